package io.pldr.serve;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.generate.Sampler;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.cache.serve.Completion;
import io.pldr.cache.serve.CompletionEngine;
import io.pldr.cache.serve.CompletionListener;
import io.pldr.cache.serve.CompletionRequest;
import io.pldr.cache.serve.GeneratedToken;
import io.pldr.cache.serve.QueueFullException;
import io.pldr.cache.serve.TokenLogprob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CompletionEngine} that decodes one request at a time on one thread, as {@link
 * io.pldr.cache.generate.Generator} decodes a single prompt: prompt pass, then one cached step per
 * token. Requests wait in a bounded queue. The server's engine until continuous batching ({@code
 * BatchingEngine}) arrives; it decodes every cache mode, {@code none} included.
 */
public final class SerialEngine implements CompletionEngine {
  private static final Logger LOG = LoggerFactory.getLogger(SerialEngine.class);
  private static final long POLL_MILLIS = 50;

  private final CachedDecoder decoder;
  private final Tokenizer tokenizer;
  private final Optional<GCache> gCache;
  private final int capacity;
  private final BlockingQueue<Job> waiting;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicBoolean accepting = new AtomicBoolean(true);
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean cancelAll = new AtomicBoolean();
  private final Thread worker;

  /**
   * An engine over {@code decoder} and {@code tokenizer}, decoding every prompt with {@code gCache}
   * when present; at most {@code maxQueue} requests wait.
   */
  public SerialEngine(
      CachedDecoder decoder, Tokenizer tokenizer, Optional<GCache> gCache, int maxQueue) {
    if (maxQueue < 1) {
      throw new IllegalArgumentException(
          "the queue must hold at least 1 request, found " + maxQueue);
    }
    this.decoder = decoder;
    this.tokenizer = tokenizer;
    this.gCache = gCache;
    this.capacity = maxQueue;
    this.waiting = new LinkedBlockingQueue<>(maxQueue);
    this.worker = new Thread(this::work, "pldr-serial-engine");
    worker.setDaemon(true);
    worker.start();
  }

  /** An engine over a loaded model (with its G-cache, if it was loaded with one). */
  public static SerialEngine of(PretrainedModel model, int maxQueue) {
    return new SerialEngine(model.decoder(), model.tokenizer(), model.gCache(), maxQueue);
  }

  /** One submitted request and whether its listener has been told its end. */
  private static final class Job implements Handle {
    final CompletionRequest request;
    final CompletionListener listener;
    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicBoolean told = new AtomicBoolean();
    final Runnable onCancel;

    Job(CompletionRequest request, CompletionListener listener, Runnable onCancel) {
      this.request = request;
      this.listener = listener;
      this.onCancel = onCancel;
    }

    @Override
    public void cancel() {
      if (cancelled.compareAndSet(false, true)) {
        onCancel.run();
      }
    }

    void complete(Completion c) {
      if (told.compareAndSet(false, true)) {
        try {
          listener.onComplete(c);
        } catch (RuntimeException e) {
          LOG.warn("a listener failed on completion", e);
        }
      }
    }

    void fail(Throwable t) {
      if (told.compareAndSet(false, true)) {
        try {
          listener.onError(t);
        } catch (RuntimeException e) {
          LOG.warn("a listener failed on an error", e);
        }
      }
    }

    void cancelledBeforeStart() {
      complete(
          new Completion(
              "", List.of(), request.promptIds().length, Generation.StopReason.CANCELLED));
    }
  }

  @Override
  public Handle submit(CompletionRequest request, CompletionListener listener) {
    if (!accepting.get()) {
      throw new IllegalStateException("the engine is shut down");
    }
    Job[] self = new Job[1];
    Job job =
        new Job(
            request,
            listener,
            () -> {
              if (waiting.remove(self[0])) {
                self[0].cancelledBeforeStart();
              }
            });
    self[0] = job;
    if (!waiting.offer(job)) {
      throw new QueueFullException(capacity);
    }
    return job;
  }

  @Override
  public int queued() {
    return waiting.size();
  }

  @Override
  public int running() {
    return running.get();
  }

  @Override
  public void shutdown(Duration grace) throws InterruptedException {
    accepting.set(false);
    draining.set(true);
    worker.join(Math.max(1, grace.toMillis()));
    if (worker.isAlive()) {
      cancelAll.set(true);
      worker.join();
    }
    for (Job j; (j = waiting.poll()) != null; ) {
      j.cancelledBeforeStart();
    }
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ZERO);
  }

  private void work() {
    while (true) {
      Job job;
      try {
        job = waiting.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (job == null) {
        if (draining.get()) {
          return;
        }
        continue;
      }
      if (cancelAll.get() || job.cancelled.get()) {
        job.cancelledBeforeStart();
        continue;
      }
      running.incrementAndGet();
      try {
        job.complete(decode(job));
      } catch (RuntimeException | Error e) {
        job.fail(e);
      } finally {
        running.decrementAndGet();
      }
    }
  }

  /** Decodes one request to its end, telling its listener each token. */
  private Completion decode(Job job) {
    CompletionRequest request = job.request;
    SamplingConfig sampling = request.sampling();
    CacheMode mode = request.mode();
    long[] ids = request.promptIds();
    int maxLen = decoder.config().getMaxSeqLen();
    if (ids.length >= maxLen) {
      throw new IllegalArgumentException(
          "the prompt is " + ids.length + " tokens, the model's context " + maxLen);
    }
    int eos = tokenizer.specialTokens().eos();
    Sampler sampler = new Sampler(sampling);
    long[] row = Arrays.copyOf(ids, maxLen);
    int length = ids.length;
    List<Integer> fresh = new ArrayList<>();
    List<GeneratedToken> tokens = new ArrayList<>();
    String text = "";
    int emitted = 0;
    long[][] promptRows = {Arrays.copyOf(row, length)};
    CachedDecoder.Step step =
        gCache.isPresent()
            ? decoder.prefill(promptRows, gCache.get())
            : decoder.prefill(promptRows);
    DecodeState state = step.state();
    Generation.StopReason reason;
    try {
      while (true) {
        if (job.cancelled.get() || cancelAll.get()) {
          text = text.substring(0, emitted);
          reason = Generation.StopReason.CANCELLED;
          break;
        }
        HostTensor logits = step.logits();
        int next = sampler.next(logits, 0);
        double[] logprobs = logSoftmax(logits);
        TokenLogprob chosen = entry(next, logprobs);
        List<TokenLogprob> top = top(logprobs, request.topLogprobs());
        if (next == eos) {
          emit(job, tokens, new GeneratedToken(chosen, text.substring(emitted), top));
          reason = Generation.StopReason.END_OF_TEXT;
          break;
        }
        fresh.add(next);
        String decoded = tokenizer.decode(fresh.stream().mapToInt(Integer::intValue).toArray());
        int stop = firstStop(decoded, sampling.stopStrings());
        if (stop >= 0) {
          text = decoded.substring(0, stop);
          String delta = emitted < text.length() ? text.substring(emitted) : "";
          emit(job, tokens, new GeneratedToken(chosen, delta, top));
          reason = Generation.StopReason.STOP_STRING;
          break;
        }
        text = decoded;
        boolean last = fresh.size() >= sampling.maxNewTokens() || length + 1 >= maxLen;
        int safe = last ? text.length() : safeLength(text, sampling.stopStrings());
        String delta = safe > emitted ? text.substring(emitted, safe) : "";
        emitted = Math.max(emitted, safe);
        emit(job, tokens, new GeneratedToken(chosen, delta, top));
        row[length++] = next;
        if (fresh.size() >= sampling.maxNewTokens()) {
          reason = Generation.StopReason.MAX_TOKENS;
          break;
        }
        if (length >= maxLen) {
          reason = Generation.StopReason.CONTEXT_LIMIT;
          break;
        }
        step = decoder.step(state, new long[][] {Arrays.copyOf(row, length)}, mode);
        state = step.state();
      }
    } finally {
      state.close();
    }
    return new Completion(text, tokens, ids.length, reason);
  }

  private static void emit(Job job, List<GeneratedToken> tokens, GeneratedToken token) {
    tokens.add(token);
    try {
      job.listener.onToken(token);
    } catch (RuntimeException e) {
      LOG.warn("a listener failed on a token; cancelling its request", e);
      job.cancelled.set(true);
    }
  }

  private TokenLogprob entry(int id, double[] logprobs) {
    return new TokenLogprob(id, tokenizer.decode(new int[] {id}), logprobs[id]);
  }

  /** The {@code k} most likely tokens, most likely first. */
  private List<TokenLogprob> top(double[] logprobs, int k) {
    List<TokenLogprob> out = new ArrayList<>();
    boolean[] taken = new boolean[logprobs.length];
    for (int r = 0; r < Math.min(k, logprobs.length); r++) {
      int best = -1;
      for (int i = 0; i < logprobs.length; i++) {
        if (!taken[i] && (best < 0 || logprobs[i] > logprobs[best])) {
          best = i;
        }
      }
      taken[best] = true;
      out.add(entry(best, logprobs));
    }
    return out;
  }

  /** Natural-log probabilities of row 0 of {@code logits [1, V]}. */
  static double[] logSoftmax(HostTensor logits) {
    int vocab = (int) logits.shape().dim(-1);
    double[] z = new double[vocab];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < vocab; i++) {
      z[i] = logits.get(i);
      max = Math.max(max, z[i]);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double log = max + Math.log(sum);
    for (int i = 0; i < vocab; i++) {
      z[i] -= log;
    }
    return z;
  }

  /**
   * How much of {@code text} can be sent now: all but an incomplete character at its end and a
   * suffix that may still grow into a stop string.
   */
  static int safeLength(String text, List<String> stops) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
      end--;
    }
    int safe = end;
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, end); k > 0; k--) {
        if (text.startsWith(s.substring(0, k), end - k)) {
          safe = Math.min(safe, end - k);
          break;
        }
      }
    }
    return safe;
  }

  private static int firstStop(String text, List<String> stops) {
    int best = -1;
    for (String s : stops) {
      int i = s.isEmpty() ? -1 : text.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }
}
