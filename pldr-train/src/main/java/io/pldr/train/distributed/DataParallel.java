package io.pldr.train.distributed;

import io.pldr.tf.distributed.ClusterSpec;
import io.pldr.tf.distributed.WorkerServer;
import java.time.Duration;
import java.util.Objects;

/**
 * One worker of a data-parallel run: its running server (and through it the cluster), how long a
 * collective waits for the other workers before the run stops, and the collective group key of its
 * training graph (one per graph in a process).
 */
public record DataParallel(WorkerServer server, Duration timeout, int groupKey) {
  /** The default wait for the other workers: long enough for the chief's checkpoint writes. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(45);

  public DataParallel {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "the collective timeout must be positive, found " + timeout);
    }
  }

  /** The cluster. */
  public ClusterSpec cluster() {
    return server.cluster();
  }

  /** Workers in the cluster. */
  public int workers() {
    return cluster().size();
  }

  /** This worker's task index. */
  public int task() {
    return cluster().task();
  }
}
