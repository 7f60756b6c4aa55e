package io.pldr.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pldr serve} as a process: SIGTERM while requests stream lets every request end with a
 * complete answer (finished, or cut with {@code finish_reason "abort"}) and the process exits
 * within the shutdown grace plus a bound.
 */
class ServeProcessTest {
  private static final Pattern SERVING =
      Pattern.compile("serving '.*' on http://127.0.0.1:(\\d+)/v1");

  @TempDir Path tmp;

  @Test
  void sigtermEndsEveryRequestCleanlyAndExitsInTime() throws Exception {
    Path run =
        io.pldr.cache.TinyCheckpoint.write(
            tmp.resolve("run"), io.pldr.cache.TinyCheckpoint.config("learned"), 3);
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                javaBin,
                "-cp",
                System.getProperty("java.class.path"),
                "io.pldr.cli.PldrCli",
                "serve",
                "--checkpoint",
                run.toString(),
                "--port",
                "0",
                "--max-batch",
                "4",
                "--shutdown-grace",
                "2")
            .redirectErrorStream(true)
            .start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                  lines.add(l);
                }
              } catch (java.io.IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
              }
            });
    reader.setDaemon(true);
    reader.start();
    int port = -1;
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (port < 0 && System.nanoTime() < deadline) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l != null) {
        seen.add(l);
        Matcher m = SERVING.matcher(l);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertThat(p.isAlive() || port > 0).as("the server died: %s", seen).isTrue();
    }
    assertThat(port).as("no 'serving' line in %s", seen).isPositive();

    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/completions");
    List<CompletableFuture<HttpResponse<java.util.stream.Stream<String>>>> answers =
        new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String body =
          "{\"model\": \"run\", \"prompt\": \"Call me Ishmael "
              + i
              + "\", \"max_tokens\": 40, \"temperature\": 0.9, \"seed\": "
              + i
              + ", \"stream\": true}";
      answers.add(
          http.sendAsync(
              HttpRequest.newBuilder(uri)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofLines()));
    }
    // the first answer's headers arrived: it is streaming
    assertThat(answers.get(0).get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    long signalled = System.nanoTime();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits within the grace and a bound").isTrue();
    double seconds = (System.nanoTime() - signalled) / 1e9;
    assertThat(seconds).isLessThan(20);
    int done = 0;
    for (CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> a : answers) {
      HttpResponse<java.util.stream.Stream<String>> r;
      try {
        r = a.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        // a request the server had not accepted before it stopped listening: refused, never cut
        assertThat(e.getCause()).isInstanceOf(java.io.IOException.class);
        continue;
      }
      String body = r.body().collect(java.util.stream.Collectors.joining("\n"));
      if (r.statusCode() == 200) {
        assertThat(body.strip()).as("a streamed answer ends cleanly").endsWith("data: [DONE]");
        assertThat(body).containsPattern("\"finish_reason\" ?: ?\"(stop|length|abort)\"");
        done++;
      } else {
        assertThat(r.statusCode()).isEqualTo(503);
      }
    }
    assertThat(done).as("some requests were streaming when the signal came").isPositive();
  }
}
