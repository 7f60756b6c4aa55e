package io.pldr.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pldr.cache.serve.CompletionEngine;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible HTTP server of {@code ./pldr serve}, on Javalin (Jetty 12): {@code POST
 * /v1/completions}, {@code GET /v1/models}, {@code GET /health} and {@code GET /metrics}. It
 * listens as soon as it is {@link #start}ed and answers 503 until {@link #ready} hands it a model
 * and a {@link CompletionEngine}; it depends on that interface only. {@link #close} stops taking
 * requests, lets the engine finish or cancel what runs within the grace, then stops listening.
 */
public final class CompletionServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CompletionServer.class);

  /**
   * Where to listen and how long a shutdown may wait for running requests.
   *
   * @param host the address to bind (127.0.0.1: this machine only)
   * @param port the port (0: any free one, see {@link #port})
   * @param shutdownGrace how long running requests may go on after a shutdown begins
   */
  public record Options(String host, int port, Duration shutdownGrace) {}

  /** The model and engine requests go to, once loaded. */
  private record Backend(
      ServedModel model, CompletionEngine engine, CompletionsEndpoint endpoint) {}

  private final Options options;
  private final ObjectMapper json = new ObjectMapper();
  private final Responses responses = new Responses(json);
  private final AtomicReference<Backend> backend = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicInteger active = new AtomicInteger();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ServerMetrics metrics;
  private final Javalin app;
  private final ClientWatch clients = new ClientWatch();

  /** A server with {@code options}; nothing listens before {@link #start}. */
  public CompletionServer(Options options) {
    this.options = options;
    this.metrics =
        new ServerMetrics(
            () -> Optional.ofNullable(backend.get()).map(b -> b.engine().queued()).orElse(0),
            () -> Optional.ofNullable(backend.get()).map(b -> b.engine().running()).orElse(0));
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = options.host();
              config.jetty.port = options.port();
              config.routes.get("/health", this::health);
              config.routes.get("/metrics", this::metrics);
              config.routes.get("/v1/models", this::models);
              config.routes.post("/v1/completions", this::completions);
              config.routes.exception(ApiException.class, this::refuse);
              config.routes.exception(Exception.class, this::fail);
              config.routes.error(
                  404,
                  ctx ->
                      refuse(
                          new ApiException(
                              404,
                              "invalid_request_error",
                              null,
                              "not_found",
                              "No route " + ctx.method() + " " + ctx.path()),
                          ctx));
            });
  }

  /** Starts listening; returns this server. */
  public CompletionServer start() {
    app.start();
    LOG.info("listening on http://{}:{}", options.host(), port());
    return this;
  }

  /** The port listened on (the free one chosen when the options said 0). */
  public int port() {
    return app.port();
  }

  /** The server's metrics. */
  public ServerMetrics metrics() {
    return metrics;
  }

  /** Serves {@code model} with {@code engine} from now on: {@code /health} turns 200. */
  public void ready(ServedModel model, CompletionEngine engine) {
    backend.set(new Backend(model, engine, new CompletionsEndpoint(model, engine, metrics, json)));
    LOG.info("serving model '{}'", model.id());
  }

  /** Waits until {@link #close} has stopped the server. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  private void health(Context ctx) {
    ObjectNode out = json.createObjectNode();
    if (closing.get()) {
      ctx.status(503);
      out.put("status", "shutting down");
    } else if (backend.get() == null) {
      ctx.status(503);
      out.put("status", "loading");
    } else {
      out.put("status", "ok");
    }
    ctx.contentType("application/json").result(out.toString());
  }

  private void metrics(Context ctx) {
    ctx.contentType(metrics.contentType()).result(metrics.scrape());
  }

  private void models(Context ctx) {
    ServedModel model = available().model();
    ObjectNode out = json.createObjectNode();
    out.put("object", "list");
    ObjectNode m = out.putArray("data").addObject();
    m.put("id", model.id())
        .put("object", "model")
        .put("created", 0)
        .put("owned_by", "pldr")
        .put("max_model_len", model.contextLength());
    ctx.contentType("application/json").result(out.toString());
  }

  /** The backend, or a 503 while loading or shutting down. */
  private Backend available() {
    Backend b = backend.get();
    if (closing.get()) {
      throw new ApiException(
          503, "server_unavailable", null, "shutting_down", "The server is shutting down");
    }
    if (b == null) {
      throw new ApiException(
          503, "server_unavailable", null, "loading", "The model is still loading: retry later");
    }
    return b;
  }

  private void completions(Context ctx) throws Exception {
    long arrival = System.nanoTime();
    active.incrementAndGet();
    try {
      Backend b = available();
      JsonNode body;
      try {
        body = json.readTree(ctx.bodyAsBytes());
      } catch (JsonProcessingException e) {
        throw new ApiException(
            400,
            "invalid_request_error",
            null,
            "invalid_json",
            "The body is not valid JSON: " + e.getOriginalMessage());
      }
      CompletionParams params = CompletionParams.parse(body, b.model());
      b.endpoint().answer(params, ctx.res(), arrival, gone -> clients.watch(ctx.req(), gone));
    } finally {
      active.decrementAndGet();
    }
  }

  private void refuse(ApiException e, Context ctx) {
    if (ctx.path().equals("/v1/completions")) {
      metrics.request(
          switch (e.status()) {
            case 429 -> ServerMetrics.Outcome.REJECTED;
            case 503 -> ServerMetrics.Outcome.UNAVAILABLE;
            default -> ServerMetrics.Outcome.INVALID;
          });
    }
    if (e.status() == 429) {
      ctx.header("Retry-After", "1");
    }
    ctx.status(e.status()).contentType("application/json").result(responses.error(e).toString());
  }

  private void fail(Exception e, Context ctx) {
    LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
    if (ctx.path().equals("/v1/completions")) {
      metrics.request(ServerMetrics.Outcome.ERROR);
    }
    ApiException err =
        new ApiException(500, "server_error", null, null, "internal error: " + e.getMessage());
    if (!ctx.res().isCommitted()) {
      ctx.status(500).contentType("application/json").result(responses.error(err).toString());
    }
  }

  /**
   * Stops taking requests (they get 503), lets the engine finish running and queued ones within the
   * grace and cancel the rest, waits for their responses to be written, then stops listening. The
   * engine is shut down here; the model stays open (its owner closes it). Idempotent.
   */
  @Override
  public void close() throws InterruptedException {
    if (!closing.compareAndSet(false, true)) {
      stopped.await();
      return;
    }
    try {
      Backend b = backend.get();
      if (b != null) {
        b.engine().shutdown(options.shutdownGrace());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (active.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      app.stop();
      clients.close();
      LOG.info("stopped");
    } finally {
      stopped.countDown();
    }
  }
}
