package io.pldr.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.serve.Completion;
import io.pldr.cache.serve.CompletionEngine;
import io.pldr.cache.serve.CompletionListener;
import io.pldr.cache.serve.CompletionRequest;
import io.pldr.cache.serve.GeneratedToken;
import io.pldr.cache.serve.QueueFullException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code POST /v1/completions} on one engine: submits a validated request's sequences (every prompt
 * times {@code n}), then answers with one JSON completion or streams server-sent events, one chunk
 * per token, ending with {@code data: [DONE]}. The engine's listeners only queue events; the
 * request's own thread writes them, so a slow client holds back its own stream and no other. A
 * client that leaves mid-stream cancels its sequences.
 */
final class CompletionsEndpoint {
  /** How long a stream may stay silent (waiting in the queue) before a keep-alive comment. */
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private final ServedModel model;
  private final CompletionEngine engine;
  private final ServerMetrics metrics;
  private final ObjectMapper json;
  private final Responses responses;

  CompletionsEndpoint(
      ServedModel model, CompletionEngine engine, ServerMetrics metrics, ObjectMapper json) {
    this.model = model;
    this.engine = engine;
    this.metrics = metrics;
    this.json = json;
    this.responses = new Responses(json);
  }

  /** What a listener hands to the request's thread. */
  private sealed interface Event permits TokenEvent, DoneEvent, FailedEvent {
    int choice();
  }

  private record TokenEvent(int choice, GeneratedToken token) implements Event {}

  private record DoneEvent(int choice, Completion completion) implements Event {}

  private record FailedEvent(int choice, Throwable error) implements Event {}

  /** One request being answered: what it asked, where the answer goes, its choices' events. */
  private record Answer(
      CompletionParams params,
      HttpServletResponse response,
      String id,
      long created,
      List<Choice> choices,
      BlockingQueue<Event> events,
      Runnable stopWatching) {}

  /** One choice being decoded: its prompt, its handle, its latencies. */
  private static final class Choice {
    final int index;
    final CompletionParams.Prompt prompt;
    CompletionEngine.Handle handle;
    long last;
    boolean first = true;
    int offset;
    Completion completion;

    Choice(int index, CompletionParams.Prompt prompt, long start) {
      this.index = index;
      this.prompt = prompt;
      this.last = start;
    }
  }

  /**
   * Answers {@code params} on {@code response}, blocking this thread until every choice ended.
   * {@code watchClient} is given the action that cancels every choice, to run if the client leaves
   * first, and returns what stops watching (run before the answer's last write).
   *
   * @throws ApiException 429 when the engine's queue is full, 503 when it is shut down
   */
  void answer(
      CompletionParams params,
      HttpServletResponse response,
      long arrival,
      UnaryOperator<Runnable> watchClient)
      throws IOException, InterruptedException {
    String id = "cmpl-" + UUID.randomUUID().toString().replace("-", "");
    long created = System.currentTimeMillis() / 1000;
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    List<Choice> choices = submit(params, events, arrival);
    Runnable stopWatching = watchClient.apply(() -> cancel(choices));
    try {
      Answer a = new Answer(params, response, id, created, choices, events, stopWatching);
      if (params.stream()) {
        stream(a);
      } else {
        whole(a);
      }
    } finally {
      // before an error answer is written too
      stopWatching.run();
    }
  }

  private List<Choice> submit(CompletionParams params, BlockingQueue<Event> events, long arrival) {
    List<Choice> choices = new ArrayList<>();
    try {
      for (CompletionParams.Prompt p : params.prompts()) {
        for (int i = 0; i < params.n(); i++) {
          Choice c = new Choice(choices.size(), p, arrival);
          choices.add(c);
          CompletionRequest request =
              new CompletionRequest(
                  p.idArray(), params.sampling(i), params.mode(), params.logprobs());
          c.handle = engine.submit(request, listener(c, events));
        }
      }
    } catch (QueueFullException e) {
      cancel(choices);
      throw new ApiException(
          429,
          "server_overloaded",
          null,
          "queue_full",
          "The server is busy (" + e.getMessage() + "): retry later");
    } catch (IllegalStateException e) {
      cancel(choices);
      throw new ApiException(
          503, "server_unavailable", null, "shutting_down", "The server is shutting down");
    }
    for (CompletionParams.Prompt p : params.prompts()) {
      metrics.promptTokens(p.ids().size() * params.n());
    }
    return choices;
  }

  private static void cancel(List<Choice> choices) {
    for (Choice c : choices) {
      if (c.handle != null) {
        c.handle.cancel();
      }
    }
  }

  private CompletionListener listener(Choice c, BlockingQueue<Event> events) {
    return new CompletionListener() {
      @Override
      public void onToken(GeneratedToken token) {
        long now = System.nanoTime();
        metrics.token(c.first, (now - c.last) / 1e9);
        c.first = false;
        c.last = now;
        events.add(new TokenEvent(c.index, token));
      }

      @Override
      public void onComplete(Completion completion) {
        events.add(new DoneEvent(c.index, completion));
      }

      @Override
      public void onError(Throwable error) {
        events.add(new FailedEvent(c.index, error));
      }
    };
  }

  private void whole(Answer a) throws IOException, InterruptedException {
    CompletionParams params = a.params();
    HttpServletResponse response = a.response();
    String id = a.id();
    long created = a.created();
    List<Choice> choices = a.choices();
    BlockingQueue<Event> events = a.events();
    Runnable stopWatching = a.stopWatching();
    int open = choices.size();
    Throwable failure = null;
    while (open > 0) {
      Event e = events.take();
      if (e instanceof DoneEvent d) {
        choices.get(d.choice()).completion = d.completion();
        open--;
      } else if (e instanceof FailedEvent f) {
        failure = f.error();
        open--;
      }
    }
    if (failure != null) {
      throw new IllegalStateException("decoding failed: " + failure.getMessage(), failure);
    }
    ObjectNode out = responses.completion(id, created, model.id());
    int completionTokens = 0;
    boolean cancelled = false;
    for (Choice c : choices) {
      Completion done = c.completion;
      List<GeneratedToken> tokens = generated(done);
      completionTokens += tokens.size();
      cancelled |= done.reason() == Generation.StopReason.CANCELLED;
      ObjectNode logprobs = null;
      if (params.logprobs().isPresent()) {
        logprobs = responses.logprobs();
        int offset = 0;
        if (params.echo()) {
          responses.addPrompt(logprobs, model.tokenizer(), c.prompt.ids(), 0);
          offset = c.prompt.text().length();
        }
        for (GeneratedToken t : tokens) {
          responses.addToken(logprobs, t, offset);
          offset += t.chosen().text().length();
        }
      }
      String text = (params.echo() ? c.prompt.text() : "") + done.text();
      out.withArray("choices")
          .add(responses.choice(text, c.index, logprobs, Responses.finishReason(done.reason())));
    }
    out.set("usage", responses.usage(promptTokens(params), completionTokens));
    metrics.request(cancelled ? ServerMetrics.Outcome.CANCELLED : ServerMetrics.Outcome.SUCCESS);
    byte[] answer = json.writeValueAsBytes(out);
    stopWatching.run();
    response.setStatus(200);
    response.setContentType("application/json");
    response.setContentLength(answer.length);
    OutputStream body = response.getOutputStream();
    body.write(answer);
    // on the wire before this thread returns: a closing server waits only for running handlers
    body.flush();
  }

  /** The tokens a completion counts: all but the end-of-text token that ended it. */
  private static List<GeneratedToken> generated(Completion c) {
    List<GeneratedToken> tokens = c.tokens();
    if (c.reason() == Generation.StopReason.END_OF_TEXT && !tokens.isEmpty()) {
      return tokens.subList(0, tokens.size() - 1);
    }
    return tokens;
  }

  private static int promptTokens(CompletionParams params) {
    return params.prompts().stream().mapToInt(p -> p.ids().size()).sum();
  }

  private void stream(Answer a) throws IOException, InterruptedException {
    CompletionParams params = a.params();
    HttpServletResponse response = a.response();
    String id = a.id();
    long created = a.created();
    List<Choice> choices = a.choices();
    BlockingQueue<Event> events = a.events();
    Runnable stopWatching = a.stopWatching();
    response.setStatus(200);
    response.setCharacterEncoding("UTF-8");
    response.setContentType("text/event-stream");
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Accel-Buffering", "no");
    OutputStream out = response.getOutputStream();
    int open = choices.size();
    int completionTokens = 0;
    boolean cancelled = false;
    try {
      if (params.echo()) {
        for (Choice c : choices) {
          chunk(out, id, created, c.prompt.text(), c.index, null, null);
          c.offset = c.prompt.text().length();
        }
      } else {
        out.write(":\n\n".getBytes(UTF8));
      }
      out.flush();
      while (open > 0) {
        Event e = events.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
          out.write(": keep-alive\n\n".getBytes(UTF8));
          out.flush();
          continue;
        }
        // one event per token, but what waits goes out in one write (a slow reader falls behind
        // by fewer system calls)
        do {
          Choice c = choices.get(e.choice());
          if (e instanceof TokenEvent t) {
            GeneratedToken token = t.token();
            if (isEndOfText(token)) {
              if (!token.textDelta().isEmpty()) {
                chunk(out, id, created, token.textDelta(), c.index, null, null);
              }
              continue;
            }
            completionTokens++;
            ObjectNode logprobs = null;
            if (params.logprobs().isPresent()) {
              logprobs = responses.logprobs();
              responses.addToken(logprobs, token, c.offset);
            }
            c.offset += token.chosen().text().length();
            chunk(out, id, created, token.textDelta(), c.index, logprobs, null);
          } else if (e instanceof DoneEvent d) {
            open--;
            cancelled |= d.completion().reason() == Generation.StopReason.CANCELLED;
            chunk(
                out,
                id,
                created,
                "",
                c.index,
                null,
                Responses.finishReason(d.completion().reason()));
          } else if (e instanceof FailedEvent f) {
            open--;
            ObjectNode error =
                responses.error(
                    new ApiException(
                        500, "server_error", null, null, "decoding failed: " + f.error()));
            out.write(("data: " + json.writeValueAsString(error) + "\n\n").getBytes(UTF8));
          }
        } while ((e = events.poll()) != null);
        out.flush();
      }
      if (params.includeUsage()) {
        ObjectNode usage = responses.completion(id, created, model.id());
        usage.set("usage", responses.usage(promptTokens(params), completionTokens));
        out.write(("data: " + json.writeValueAsString(usage) + "\n\n").getBytes(UTF8));
      }
      stopWatching.run();
      out.write("data: [DONE]\n\n".getBytes(UTF8));
      out.flush();
      metrics.request(cancelled ? ServerMetrics.Outcome.CANCELLED : ServerMetrics.Outcome.SUCCESS);
    } catch (IOException e) {
      // the client left: stop decoding what nobody reads
      cancel(choices);
      metrics.request(ServerMetrics.Outcome.CANCELLED);
    }
  }

  /**
   * Whether a streamed token is the end-of-text token that ended its sequence: the engine reports
   * it, but a completion's tokens do not count it.
   */
  private boolean isEndOfText(GeneratedToken token) {
    return token.chosen().id() == model.tokenizer().specialTokens().eos();
  }

  private void chunk(
      OutputStream out,
      String id,
      long created,
      String text,
      int index,
      ObjectNode logprobs,
      String finishReason)
      throws IOException {
    ObjectNode c = responses.completion(id, created, model.id());
    c.withArray("choices").add(responses.choice(text, index, logprobs, finishReason));
    out.write(("data: " + json.writeValueAsString(c) + "\n\n").getBytes(UTF8));
  }
}
