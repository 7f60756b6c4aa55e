package io.pldr.serve;

import io.pldr.cache.generate.Generation;
import io.pldr.cache.serve.Completion;
import io.pldr.cache.serve.CompletionEngine;
import io.pldr.cache.serve.CompletionListener;
import io.pldr.cache.serve.CompletionRequest;
import io.pldr.cache.serve.GeneratedToken;
import io.pldr.cache.serve.QueueFullException;
import io.pldr.cache.serve.TokenLogprob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An engine without a model for the HTTP layer's tests: each request gets a thread that writes "x"
 * every {@code interval} until its token budget or a cancellation; at most {@code capacity}
 * requests at once, more are refused as a full queue.
 */
final class ScriptedEngine implements CompletionEngine {
  private final Duration interval;
  private final int capacity;
  private final AtomicInteger live = new AtomicInteger();
  private final AtomicBoolean down = new AtomicBoolean();
  final AtomicInteger cancelled = new AtomicInteger();
  final List<CompletionRequest> submitted = new ArrayList<>();
  private final ConcurrentHashMap<Thread, AtomicBoolean> threads = new ConcurrentHashMap<>();

  synchronized int submittedCount() {
    return submitted.size();
  }

  ScriptedEngine(Duration interval, int capacity) {
    this.interval = interval;
    this.capacity = capacity;
  }

  @Override
  public synchronized Handle submit(CompletionRequest request, CompletionListener listener) {
    if (down.get()) {
      throw new IllegalStateException("shut down");
    }
    if (live.get() >= capacity) {
      throw new QueueFullException(capacity);
    }
    live.incrementAndGet();
    submitted.add(request);
    AtomicBoolean stop = new AtomicBoolean();
    Thread t =
        new Thread(
            () -> {
              List<GeneratedToken> tokens = new ArrayList<>();
              Generation.StopReason reason = Generation.StopReason.MAX_TOKENS;
              try {
                while (tokens.size() < request.sampling().maxNewTokens()) {
                  if (stop.get()) {
                    reason = Generation.StopReason.CANCELLED;
                    break;
                  }
                  Thread.sleep(interval.toMillis());
                  GeneratedToken g =
                      new GeneratedToken(new TokenLogprob('x' + 4, "x", -0.5), "x", List.of());
                  tokens.add(g);
                  listener.onToken(g);
                }
              } catch (InterruptedException e) {
                reason = Generation.StopReason.CANCELLED;
              }
              live.decrementAndGet();
              listener.onComplete(
                  new Completion(
                      "x".repeat(tokens.size()), tokens, request.promptIds().length, reason));
            });
    threads.put(t, stop);
    t.start();
    return () -> {
      if (stop.compareAndSet(false, true)) {
        cancelled.incrementAndGet();
      }
    };
  }

  @Override
  public int queued() {
    return 0;
  }

  @Override
  public int running() {
    return live.get();
  }

  @Override
  public void shutdown(Duration grace) throws InterruptedException {
    down.set(true);
    long deadline = System.nanoTime() + grace.toNanos();
    for (Thread t : threads.keySet()) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    threads.values().forEach(s -> s.set(true));
    for (Thread t : threads.keySet()) {
      t.join();
    }
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(Duration.ZERO);
  }
}
