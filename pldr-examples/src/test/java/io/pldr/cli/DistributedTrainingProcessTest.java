package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes of {@code ./pldr train} on loopback ports (one given --cluster/--task, the
 * other TF_CONFIG): the second is killed mid-run, the chief stops within 60 s naming it, and both
 * restarted with --resume continue from the chief's last checkpoint, each resumed step's loss the
 * one the interrupted run logged for it.
 */
class DistributedTrainingProcessTest {
  @TempDir Path dir;

  private Process worker(Path config, int task, String list, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.pldr.cli.PldrCli");
    cmd.add("train");
    cmd.add("--config");
    cmd.add(config.toString());
    cmd.add("--cache-dir");
    cmd.add(dir.resolve("cache-" + task).toString());
    cmd.add("--collective-timeout");
    cmd.add("20");
    cmd.addAll(List.of(extra));
    ProcessBuilder b = new ProcessBuilder(cmd);
    if (task == 0) {
      cmd.add("--cluster");
      cmd.add(list);
      cmd.add("--task");
      cmd.add("0");
    } else {
      String[] addresses = list.split(",");
      b.environment()
          .put(
              "TF_CONFIG",
              "{\"cluster\": {\"worker\": [\""
                  + addresses[0]
                  + "\", \""
                  + addresses[1]
                  + "\"]}, \"task\": {\"type\": \"worker\", \"index\": "
                  + task
                  + "}}");
    }
    return b.command(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("task-" + task + ".log").toFile())
        .start();
  }

  /** Train losses by step from the chief's metrics history. */
  private static Map<Long, Double> losses(Path run) throws IOException {
    Map<Long, Double> out = new TreeMap<>();
    Path f = run.resolve("metrics.jsonl");
    if (!Files.exists(f)) {
      return out;
    }
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(f)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = json.readTree(line);
      if (n.path("split").asText().equals("train")) {
        out.put(n.path("step").asLong(), n.path("loss").asDouble());
      }
    }
    return out;
  }

  private static long latestCheckpoint(Path run) throws IOException {
    try (var s = Files.list(run.resolve("checkpoints"))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("step-\\d+"))
          .mapToLong(n -> Long.parseLong(n.substring(5)))
          .max()
          .orElse(0);
    }
  }

  private String log(int task) throws IOException {
    return Files.readString(dir.resolve("task-" + task + ".log"), StandardCharsets.UTF_8);
  }

  @Test
  void aKilledWorkerStopsTheOthersNamingItAndAllResumeFromTheChiefsCheckpoint() throws Exception {
    Path config =
        TinyTraining.config(
            dir, "steps: 100000\ncheckpoint_every: 5\nlog_every: 1\nsample { lines: 0 }\n");
    Path run = dir.resolve("run");
    String list = io.pldr.tf.distributed.ClusterSpec.loopback(2);
    Process chief = worker(config, 0, list);
    Process other = worker(config, 1, list);
    long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    // kill just after a checkpoint (step 5k), so that the steps after it are logged and the
    // next checkpoint is three steps away
    while (true) {
      Map<Long, Double> logged = losses(run);
      long last = logged.isEmpty() ? 0 : java.util.Collections.max(logged.keySet());
      if (last >= 6 && (last % 5 == 1 || last % 5 == 2)) {
        break;
      }
      assertThat(chief.isAlive()).as(log(0)).isTrue();
      assertThat(System.nanoTime() - until).as("no progress: " + log(0)).isNegative();
      Thread.sleep(5);
    }
    other.destroyForcibly();
    long killed = System.nanoTime();
    assertThat(chief.waitFor(60, TimeUnit.SECONDS)).as("the chief stops within 60 s").isTrue();
    assertThat((System.nanoTime() - killed) / 1e9).isLessThan(60);
    assertThat(chief.exitValue()).isEqualTo(1);
    String chiefLog = log(0);
    System.out.println(
        "stopped after "
            + (System.nanoTime() - killed) / 1_000_000
            + " ms: "
            + chiefLog.lines().filter(l -> l.contains("is lost")).findFirst().orElse(""));
    assertThat(chiefLog)
        .contains("pldr train: error: task 0: step ")
        .contains("task 1 (" + list.split(",")[1] + ") is lost")
        .doesNotContain("internal error")
        .contains("--resume");
    Map<Long, Double> before = losses(run);
    long checkpoint = latestCheckpoint(run);
    assertThat(checkpoint).isGreaterThanOrEqualTo(5);
    long last = checkpoint + 3;

    // both restart with --resume: the run continues from the chief's checkpoint
    Process chief2 = worker(config, 0, list, "--resume", "--steps", Long.toString(last));
    Process other2 = worker(config, 1, list, "--resume", "--steps", Long.toString(last));
    assertThat(chief2.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(other2.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(chief2.exitValue()).as(log(0)).isZero();
    assertThat(other2.exitValue()).as(log(1)).isZero();
    assertThat(log(0))
        .contains("3 steps in this run (steps " + (checkpoint + 1) + "–" + last + " of " + last);
    assertThat(log(1)).contains("task 1 of 2: 3 steps as a worker");
    Map<Long, Double> after = losses(run);
    assertThat(after.keySet()).contains(checkpoint + 1, checkpoint + 2, last);
    int compared = 0;
    for (long s = checkpoint + 1; s <= last; s++) {
      if (before.containsKey(s)) {
        assertThat(after.get(s)).as("step %d", s).isCloseTo(before.get(s), within(1e-6));
        compared++;
      }
    }
    // the interrupted run logged at least the step after its last checkpoint
    assertThat(compared).isGreaterThanOrEqualTo(1);
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}
