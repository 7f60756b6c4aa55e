package io.pldr.cache.serve;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.text.Tokenizer;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.DecodeState;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.generate.Generation.StopReason;
import io.pldr.cache.generate.Sampler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CompletionEngine} with continuous batching on one shared {@link CachedDecoder}. One
 * decoding thread owns the decoder loop; at each step boundary:
 *
 * <ol>
 *   <li>waiting requests join (up to {@code maxBatch} running): their prompt passes run, prompts of
 *       equal length in one pass, each prompt's metric tensor its own (A is a sum over a prompt's
 *       positions, so prompts of different lengths never share a padded pass); with a fixed G-cache
 *       no pass computes A, and every joining prompt shares one pass, padded on the left ({@link
 *       CachedDecoder#prefillPadded});
 *   <li>every row of the running batch and every joined prompt chooses its next token with its own
 *       sampler; a row that ends (end of text, stop string, its token budget, the context) or was
 *       cancelled leaves;
 *   <li>if the rows changed, the rows that go on are merged into one state ({@link
 *       DecodeState#merge}: native copies of each row's keys and values, left-padded with zeros to
 *       the longest row, columns that are padding in every row dropped);
 *   <li>one step of the whole batch, each row's tokens padded on the left by its offset.
 * </ol>
 *
 * Each row computes what it computes alone (padding keys are masked, rotary attention depends only
 * on differences of positions), so a greedy request's tokens are those it gets alone.
 *
 * <p>A batch has one cache mode. The KV modes ({@code kv_g}, {@code kv}) batch; {@code g} and
 * {@code none} recompute the whole sequence at each step (in {@code none} the metric tensor of a
 * padded row would include its padding) and run one request at a time. Requests start in queue
 * order: while the head of the queue wants another mode than the running batch, nothing joins until
 * that batch has drained, so no mode starves.
 *
 * <p>The engine does not own the decoder or the tokenizer: close them after {@link #shutdown}.
 */
public final class BatchingEngine implements CompletionEngine {
  private static final Logger log = LoggerFactory.getLogger(BatchingEngine.class);

  private final CachedDecoder decoder;
  private final Tokenizer tokenizer;
  private final Optional<GCache> gCache;
  private final int maxBatch;
  private final int maxQueue;
  private final int eos;
  private final long pad;
  private final int maxLen;
  private final int vocab;
  private final Thread thread;

  private final Object lock = new Object();
  // guarded by lock
  private final ArrayDeque<Request> waiting = new ArrayDeque<>();
  private boolean accepting = true;
  private boolean stopping;
  private long deadline;

  private volatile int runningCount;
  private final AtomicLong prompts = new AtomicLong();

  // owned by the decoding thread
  private Part current;

  /** An engine on a loaded model, with its G-cache if one was loaded. */
  public BatchingEngine(PretrainedModel model, int maxBatch, int maxQueue) {
    this(model.decoder(), model.tokenizer(), model.gCache(), maxBatch, maxQueue);
  }

  /**
   * An engine on {@code decoder} and {@code tokenizer}; with {@code gCache} every prompt pass uses
   * it (no pass runs the deep net), else each prompt's pass infers its own.
   */
  public BatchingEngine(
      CachedDecoder decoder,
      Tokenizer tokenizer,
      Optional<GCache> gCache,
      int maxBatch,
      int maxQueue) {
    if (maxBatch < 1 || maxQueue < 0) {
      throw new IllegalArgumentException(
          "max batch must be positive and max queue not negative, found "
              + maxBatch
              + " and "
              + maxQueue);
    }
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.gCache = Objects.requireNonNull(gCache, "gCache");
    this.maxBatch = maxBatch;
    this.maxQueue = maxQueue;
    this.eos = tokenizer.specialTokens().eos();
    this.pad = decoder.config().getTokenIds().getPad();
    this.maxLen = decoder.config().getMaxSeqLen();
    this.vocab = decoder.config().getVocabSize();
    this.thread = new Thread(this::loop, "pldr-batching-engine");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public Handle submit(CompletionRequest request, CompletionListener listener) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(listener, "listener");
    long[] ids = request.promptIds();
    if (ids.length > maxLen) {
      throw new IllegalArgumentException(
          "the prompt is " + ids.length + " tokens, longer than the model's context of " + maxLen);
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " at position " + i + " is outside the vocabulary of " + vocab);
      }
    }
    if (request.mode() == CacheMode.KV && gCache.isPresent() && decoder.refinesMetric()) {
      throw new IllegalArgumentException(
          "mode kv needs each prompt's refined metric tensor, which a prompt pass with a G-cache"
              + " does not compute: use kv_g or g");
    }
    Request r = new Request(request, listener);
    synchronized (lock) {
      if (!accepting) {
        throw new IllegalStateException("the engine is shut down");
      }
      if (waiting.size() >= maxQueue) {
        throw new QueueFullException(maxQueue);
      }
      waiting.add(r);
      lock.notifyAll();
    }
    return r;
  }

  @Override
  public int queued() {
    synchronized (lock) {
      return waiting.size();
    }
  }

  @Override
  public int running() {
    return runningCount;
  }

  /** How many prompts have reached the decoder (for tests). */
  long promptPasses() {
    return prompts.get();
  }

  @Override
  public void shutdown(Duration grace) throws InterruptedException {
    synchronized (lock) {
      accepting = false;
      long now = System.nanoTime();
      long until = now + Math.min(grace.toNanos(), Long.MAX_VALUE / 4);
      if (!stopping || until - deadline < 0) {
        deadline = until;
      }
      stopping = true;
      lock.notifyAll();
    }
    if (Thread.currentThread() != thread) {
      thread.join();
    }
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ZERO);
  }

  /** A submitted request, its handle. */
  private final class Request implements Handle {
    final CompletionRequest request;
    final CompletionListener listener;
    volatile boolean cancelled;
    boolean ended; // decoding thread only

    Request(CompletionRequest request, CompletionListener listener) {
      this.request = request;
      this.listener = listener;
    }

    @Override
    public void cancel() {
      cancelled = true;
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /** A batch's state, the logits of its last pass, and its rows in order. */
  private record Part(DecodeState state, HostTensor logits, List<Sequence> rows) {}

  // ---------------------------------------------------------------- the decoding thread

  private void loop() {
    log.debug("decoding thread started (max batch {}, max queue {})", maxBatch, maxQueue);
    try {
      while (true) {
        List<Request> joining = new ArrayList<>();
        List<Request> dropped = new ArrayList<>();
        boolean exit = false;
        boolean late;
        synchronized (lock) {
          late = stopping && System.nanoTime() - deadline >= 0;
          waiting.removeIf(r -> (r.cancelled || late) && dropped.add(r));
          if (current == null && waiting.isEmpty() && dropped.isEmpty()) {
            if (stopping) {
              exit = true;
            } else {
              lock.wait();
              continue;
            }
          }
          admit(joining);
        }
        for (Request r : dropped) {
          completeUnstarted(r);
        }
        if (exit) {
          break;
        }
        if (late && current != null) {
          current.rows().forEach(s -> s.request.cancelled = true);
        }
        if (current != null || !joining.isEmpty()) {
          advance(joining);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("decoding thread interrupted; cancelling what is left");
    } catch (RuntimeException | Error e) {
      log.error("decoding thread failed", e);
      failAll(e);
      throw e;
    } finally {
      cancelEverything();
      log.debug("decoding thread stopped");
    }
  }

  /** Moves waiting requests that may join the running batch to {@code joining}; holds the lock. */
  private void admit(List<Request> joining) {
    CacheMode mode = current == null ? null : current.rows().get(0).request.request.mode();
    int count = current == null ? 0 : current.rows().size();
    while (!waiting.isEmpty()) {
      Request head = waiting.peek();
      CacheMode wanted = head.request.mode();
      if (mode == null) {
        mode = wanted;
      }
      int limit = mode.usesKvCache() ? maxBatch : 1;
      if (wanted != mode || count >= limit) {
        return;
      }
      joining.add(waiting.poll());
      count++;
    }
  }

  /** One step boundary: prompt passes of {@code joining}, tokens chosen, rows merged, a step. */
  private void advance(List<Request> joining) {
    List<Part> parts = new ArrayList<>();
    if (current != null) {
      parts.add(current);
      current = null;
    }
    parts.addAll(promptPasses(joining));
    runningCount = parts.stream().mapToInt(p -> p.rows().size()).sum();
    try {
      chooseMergeAndStep(parts);
    } catch (RuntimeException e) {
      // what no other path handles (a tokenizer or sampler failure, a bug): end every row
      log.error("a step boundary failed; its {} rows end with the error", runningCount, e);
      parts.forEach(p -> fail(p.rows(), e));
      if (current != null) {
        fail(current.rows(), e);
        current.state().close();
        current = null;
      }
      runningCount = 0;
    }
  }

  private void chooseMergeAndStep(List<Part> parts) {
    List<Sequence> next = new ArrayList<>();
    List<int[]> keep = new ArrayList<>();
    boolean all = true;
    for (Part part : parts) {
      List<Integer> kept = new ArrayList<>();
      for (int b = 0; b < part.rows().size(); b++) {
        Sequence s = part.rows().get(b);
        if (s.request.cancelled) {
          s.reason = StopReason.CANCELLED;
        } else {
          s.accept(part.logits(), b);
        }
        if (s.reason == null) {
          kept.add(b);
          next.add(s);
        } else {
          all = false;
          s.complete();
        }
      }
      keep.add(kept.stream().mapToInt(Integer::intValue).toArray());
    }
    DecodeState merged = null;
    try {
      if (parts.size() == 1 && all) {
        merged = parts.get(0).state();
      } else {
        if (!next.isEmpty()) {
          merged = DecodeState.merge(parts.stream().map(Part::state).toList(), keep);
        }
        parts.forEach(p -> p.state().close());
      }
    } catch (RuntimeException e) {
      parts.forEach(p -> p.state().close());
      fail(next, e);
      runningCount = 0;
      return;
    }
    runningCount = next.size();
    if (next.isEmpty()) {
      return;
    }
    CacheMode mode = next.get(0).request.request.mode();
    int columns = next.stream().mapToInt(s -> s.length).max().orElseThrow();
    long[][] rows = new long[next.size()][columns];
    for (int b = 0; b < rows.length; b++) {
      Sequence s = next.get(b);
      int offset = columns - s.length;
      Arrays.fill(rows[b], 0, offset, pad);
      System.arraycopy(s.ids, 0, rows[b], offset, s.length);
    }
    try {
      if (mode.usesKvCache() && columns != merged.length() + 1) {
        throw new IllegalStateException(
            "a batch of " + columns + " columns on a cache of " + merged.length());
      }
      CachedDecoder.Step step = decoder.step(merged, rows, mode);
      current = new Part(step.state(), step.logits(), next);
    } catch (RuntimeException e) {
      merged.close();
      log.error("a decoding step of {} rows failed", next.size(), e);
      fail(next, e);
      runningCount = 0;
    }
  }

  /** The prompt passes of the joining requests, prompts of one length in one pass. */
  private List<Part> promptPasses(List<Request> joining) {
    Map<Integer, List<Request>> byLength = new LinkedHashMap<>();
    for (Request r : joining) {
      if (r.cancelled) {
        completeUnstarted(r);
      } else if (r.request.promptIds().length >= maxLen) {
        // the prompt fills the context: no room for a new token (as Generator)
        Sequence full = new Sequence(r);
        full.reason = StopReason.CONTEXT_LIMIT;
        full.complete();
      } else {
        // with a fixed G-cache no pass computes A: prompts of any lengths share one padded pass
        int key = gCache.isPresent() ? 0 : r.request.promptIds().length;
        byLength.computeIfAbsent(key, n -> new ArrayList<>()).add(r);
      }
    }
    List<Part> parts = new ArrayList<>();
    for (List<Request> group : byLength.values()) {
      long[][] rows = new long[group.size()][];
      List<Sequence> sequences = new ArrayList<>();
      for (int b = 0; b < rows.length; b++) {
        rows[b] = group.get(b).request.promptIds();
        sequences.add(new Sequence(group.get(b)));
      }
      prompts.addAndGet(rows.length);
      boolean ragged = Arrays.stream(rows).anyMatch(row -> row.length != rows[0].length);
      try {
        CachedDecoder.Step step =
            gCache.isEmpty()
                ? decoder.prefill(rows)
                : ragged
                    ? decoder.prefillPadded(Arrays.asList(rows), gCache.get())
                    : decoder.prefill(rows, gCache.get());
        parts.add(new Part(step.state(), step.logits(), sequences));
      } catch (RuntimeException e) {
        log.error("a prompt pass of {} prompts failed", rows.length, e);
        fail(sequences, e);
      }
    }
    if (!joining.isEmpty()) {
      log.debug("{} requests joined ({} prompt passes)", joining.size(), parts.size());
    }
    return parts;
  }

  private void fail(List<Sequence> sequences, Throwable e) {
    for (Sequence s : sequences) {
      if (!s.request.ended) {
        s.request.ended = true;
        call(s.request, l -> l.onError(e));
      }
    }
  }

  private void failAll(Throwable e) {
    if (current != null) {
      fail(current.rows(), e);
    }
  }

  /** On the way out: every request not yet told ends as cancelled. */
  private void cancelEverything() {
    List<Request> left;
    synchronized (lock) {
      accepting = false;
      left = new ArrayList<>(waiting);
      waiting.clear();
    }
    if (current != null) {
      for (Sequence s : current.rows()) {
        s.reason = StopReason.CANCELLED;
        s.complete();
      }
      current.state().close();
      current = null;
    }
    runningCount = 0;
    left.forEach(this::completeUnstarted);
  }

  /** A request that never reached the decoder ends as cancelled. */
  private void completeUnstarted(Request r) {
    if (!r.ended) {
      r.ended = true;
      Completion c =
          new Completion("", List.of(), r.request.promptIds().length, StopReason.CANCELLED);
      call(r, l -> l.onComplete(c));
    }
  }

  /** Calls a listener; what it throws is logged and cancels its request, never the loop. */
  private static void call(Request r, Consumer<CompletionListener> call) {
    try {
      call.accept(r.listener);
    } catch (RuntimeException e) {
      log.warn("a completion listener failed; its request is cancelled", e);
      r.cancelled = true;
    }
  }

  /** A request being decoded: its tokens so far, sampler, text and end. */
  private final class Sequence {
    final Request request;
    final Sampler sampler;
    final int promptLength;
    final long[] ids;
    int length;
    final List<Integer> fresh = new ArrayList<>();
    final List<GeneratedToken> tokens = new ArrayList<>();
    final List<String> stops;
    String text = "";
    String emitted = "";
    StopReason reason;

    Sequence(Request request) {
      this.request = request;
      CompletionRequest q = request.request;
      this.sampler = new Sampler(q.sampling());
      long[] prompt = q.promptIds();
      this.promptLength = prompt.length;
      this.ids = Arrays.copyOf(prompt, maxLen + 1);
      this.length = prompt.length;
      this.stops = q.sampling().stopStrings();
    }

    /** Chooses the next token from row {@code row} of {@code logits}, as Generator does. */
    void accept(HostTensor logits, int row) {
      int next = sampler.next(logits, row);
      TokenLogprob chosen;
      List<TokenLogprob> top;
      if (request.request.logprobs().isPresent()) {
        LogSoftmax lp = LogSoftmax.of(logits, row);
        chosen = logprob(next, lp);
        top = top(lp, request.request.topLogprobs());
      } else {
        chosen = new TokenLogprob(next, tokenizer.decode(new int[] {next}), Double.NaN);
        top = List.of();
      }
      String delta;
      if (next == eos) {
        reason = StopReason.END_OF_TEXT;
        delta = flush();
      } else {
        fresh.add(next);
        ids[length++] = next;
        String decoded = tokenizer.decode(fresh.stream().mapToInt(Integer::intValue).toArray());
        int stop = firstStop(decoded);
        if (stop >= 0) {
          text = decoded.substring(0, stop);
          reason = StopReason.STOP_STRING;
          delta = flush();
        } else {
          text = decoded;
          if (fresh.size() >= request.request.sampling().maxNewTokens()) {
            reason = StopReason.MAX_TOKENS;
          } else if (length >= maxLen) {
            reason = StopReason.CONTEXT_LIMIT;
          }
          delta = reason != null ? flush() : held();
        }
      }
      GeneratedToken token = new GeneratedToken(chosen, delta, top);
      tokens.add(token);
      call(request, l -> l.onToken(token));
    }

    /** Everything not yet sent. */
    private String flush() {
      String delta = text.startsWith(emitted) ? text.substring(emitted.length()) : "";
      emitted += delta;
      return delta;
    }

    /**
     * The text that is certain: held back are an incomplete character at the end (the decoder's
     * replacement character) and an end that may begin a stop string.
     */
    private String held() {
      int end = text.length();
      while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
        end--;
      }
      int hold = 0;
      for (String s : stops) {
        for (int k = Math.min(s.length() - 1, end); k > hold; k--) {
          if (text.startsWith(s.substring(0, k), end - k)) {
            hold = k;
            break;
          }
        }
      }
      String safe = text.substring(0, end - hold);
      if (safe.length() > emitted.length() && safe.startsWith(emitted)) {
        String delta = safe.substring(emitted.length());
        emitted = safe;
        return delta;
      }
      return "";
    }

    private int firstStop(String decoded) {
      int best = -1;
      for (String s : stops) {
        int i = s.isEmpty() ? -1 : decoded.indexOf(s);
        if (i >= 0 && (best < 0 || i < best)) {
          best = i;
        }
      }
      return best;
    }

    /** Tells the listener the end; the completion's text is what the deltas sent. */
    void complete() {
      if (!request.ended) {
        request.ended = true;
        Completion c = new Completion(emitted, tokens, promptLength, reason);
        call(request, l -> l.onComplete(c));
      }
    }
  }

  private TokenLogprob logprob(int id, LogSoftmax lp) {
    return new TokenLogprob(id, tokenizer.decode(new int[] {id}), lp.at(id));
  }

  /** The {@code k} most likely tokens, most likely first (ties: lower id first). */
  private List<TokenLogprob> top(LogSoftmax logSoftmax, int k) {
    if (k == 0) {
      return List.of();
    }
    int[] best = new int[Math.min(k, logSoftmax.vocab())];
    int n = 0;
    for (int i = 0; i < logSoftmax.vocab(); i++) {
      double x = logSoftmax.at(i);
      if (n == best.length && x <= logSoftmax.at(best[n - 1])) {
        continue;
      }
      int at = n == best.length ? n - 1 : n++;
      while (at > 0 && logSoftmax.at(best[at - 1]) < x) {
        best[at] = best[at - 1];
        at--;
      }
      best[at] = i;
    }
    List<TokenLogprob> out = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      out.add(logprob(best[j], logSoftmax));
    }
    return out;
  }

  /**
   * Log-softmax of row {@code row} of {@code logits [B, V]}: the row (copied out once) and its
   * log-sum-exp (in double precision; a TensorFlow pass of its own for it was no faster on 16 rows
   * of 4096 and slower on fewer rows).
   */
  private record LogSoftmax(double[] logits, int vocab, double logSumExp) {
    static LogSoftmax of(HostTensor logits, int row) {
      int v = (int) logits.shape().dim(-1);
      double[] z = new double[v];
      logits.copyTo(row * v, z, 0, v);
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < v; i++) {
        max = Math.max(max, z[i]);
      }
      double sum = 0;
      for (int i = 0; i < v; i++) {
        sum += Math.exp(z[i] - max);
      }
      return new LogSoftmax(z, v, max + Math.log(sum));
    }

    double at(int i) {
      return logits[i] - logSumExp;
    }
  }
}
