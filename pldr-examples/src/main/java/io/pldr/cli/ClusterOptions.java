package io.pldr.cli;

import io.pldr.tf.distributed.ClusterSpec;
import io.pldr.tf.distributed.WorkerServer;
import io.pldr.train.distributed.DataParallel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a training process sits in a data-parallel cluster: {@code --cluster} and {@code --task},
 * or TensorFlow's {@code TF_CONFIG} environment variable; neither means one process.
 */
final class ClusterOptions {
  /** The environment variable TensorFlow's multi-worker training reads. */
  static final String TF_CONFIG = "TF_CONFIG";

  /** How long a worker waits at start for the others to accept connections. */
  static final Duration PEER_WAIT = Duration.ofSeconds(60);

  /** How long {@link #start} waits for the other workers (tests shorten it). */
  Duration peerWait = PEER_WAIT;

  @Option(
      names = "--cluster",
      paramLabel = "LIST",
      description =
          "Every worker's host:port, comma-separated, in task order (the same list on every"
              + " worker); task 0 is the chief. Trains data-parallel. Also read from TF_CONFIG.")
  String cluster;

  @Option(
      names = "--task",
      paramLabel = "I",
      description = "This worker's index in --cluster (0 = the chief).")
  Integer task;

  @Option(
      names = "--collective-timeout",
      paramLabel = "SECONDS",
      description =
          "How long a worker waits for the others in a step before the run stops (default: 45;"
              + " longer than the chief's checkpoint writes).")
  Long timeoutSeconds;

  /** The cluster from the options or the environment, if any. */
  Optional<ClusterSpec> spec(Map<String, String> environment) {
    if (cluster == null && task != null) {
      throw new IllegalArgumentException("--task " + task + " needs --cluster HOST:PORT,...");
    }
    if (cluster != null) {
      if (task == null) {
        throw new IllegalArgumentException(
            "--cluster needs --task I, this worker's index in the list (0 = the chief)");
      }
      return Optional.of(ClusterSpec.parse(cluster, task));
    }
    String json = environment.get(TF_CONFIG);
    return json == null || json.isBlank()
        ? Optional.empty()
        : Optional.of(ClusterSpec.fromTfConfig(json));
  }

  /**
   * Starts this worker's server and waits for the others; empty for one process. Nothing is started
   * when the options are bad.
   */
  Optional<DataParallel> start(Map<String, String> environment) throws InterruptedException {
    if (timeoutSeconds != null) {
      OptionChecks.atLeast("--collective-timeout", timeoutSeconds, 1);
    }
    Optional<ClusterSpec> spec = spec(environment);
    if (spec.isEmpty()) {
      if (timeoutSeconds != null) {
        throw new IllegalArgumentException("--collective-timeout needs --cluster (or TF_CONFIG)");
      }
      return Optional.empty();
    }
    WorkerServer server = WorkerServer.start(spec.get());
    server.awaitPeers(peerWait);
    Duration timeout =
        timeoutSeconds == null ? DataParallel.DEFAULT_TIMEOUT : Duration.ofSeconds(timeoutSeconds);
    return Optional.of(new DataParallel(server, timeout, 1));
  }
}
