package io.pldr.serve;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The server's metrics in a registry of its own, written in Prometheus' text format for {@code GET
 * /metrics}: requests by outcome, prompt and generated tokens, the engine's queue depth and running
 * batch size, time to first token and the time between tokens.
 */
public final class ServerMetrics {
  /** How a request ended, the {@code outcome} label of {@code pldr_requests_total}. */
  public enum Outcome {
    /** Answered in full. */
    SUCCESS,
    /** Refused as malformed or impossible (400). */
    INVALID,
    /** Refused because the queue was full (429). */
    REJECTED,
    /** Refused before the model was loaded or while shutting down (503). */
    UNAVAILABLE,
    /** Cancelled: its client left, or the server shut down. */
    CANCELLED,
    /** Failed on the server's side (500). */
    ERROR;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Counter requests;
  private final Counter promptTokens;
  private final Counter generatedTokens;
  private final Histogram timeToFirstToken;
  private final Histogram timePerToken;

  /** Metrics reading the queue depth and running batch size from the two suppliers. */
  public ServerMetrics(IntSupplier queued, IntSupplier running) {
    requests =
        Counter.builder()
            .name("pldr_requests_total")
            .help("Completion requests by outcome")
            .labelNames("outcome")
            .register(registry);
    for (Outcome o : Outcome.values()) {
      requests.labelValues(o.label());
    }
    promptTokens =
        Counter.builder()
            .name("pldr_prompt_tokens_total")
            .help("Prompt tokens of answered requests")
            .register(registry);
    generatedTokens =
        Counter.builder()
            .name("pldr_generation_tokens_total")
            .help("Tokens generated")
            .register(registry);
    GaugeWithCallback.builder()
        .name("pldr_queue_depth")
        .help("Sequences waiting to start")
        .callback(cb -> cb.call(queued.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("pldr_running_batch_size")
        .help("Sequences decoding now")
        .callback(cb -> cb.call(running.getAsInt()))
        .register(registry);
    timeToFirstToken =
        Histogram.builder()
            .name("pldr_time_to_first_token_seconds")
            .help("From a request's arrival to its first token")
            .classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 60)
            .register(registry);
    timePerToken =
        Histogram.builder()
            .name("pldr_time_per_output_token_seconds")
            .help("Between two tokens of one sequence")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
  }

  /** A request ended with {@code outcome}. */
  public void request(Outcome outcome) {
    requests.labelValues(outcome.label()).inc();
  }

  /** A sequence's prompt of {@code tokens} was decoded. */
  public void promptTokens(int tokens) {
    promptTokens.inc(tokens);
  }

  /** A token was generated, {@code seconds} after the previous one or the request's arrival. */
  public void token(boolean first, double seconds) {
    generatedTokens.inc();
    (first ? timeToFirstToken : timePerToken).observe(seconds);
  }

  /** Every metric in Prometheus' text format (version 0.0.4). */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The content type of {@link #scrape}. */
  public String contentType() {
    return writer.getContentType();
  }
}
