package io.pldr.tf.runtime;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/**
 * The session configurations of the process. TensorFlow fixes its intra-op thread pool with the
 * first session, so every configuration here asks for the same number of intra-op threads: the
 * available cores, or {@code PLDR_THREADS} (environment) / {@code pldr.threads} (system property,
 * set before the first session). Small models decode fastest on one thread, since splitting a
 * 128-wide matrix-vector product across cores costs more than it saves.
 */
public final class SessionConfigs {
  /** The system property that sets the intra-op threads (wins over the environment). */
  public static final String THREADS_PROPERTY = "pldr.threads";

  private SessionConfigs() {}

  /** The configuration for training and whole-sequence passes: two inter-op threads. */
  public static ConfigProto standard() {
    int threads = intraOpThreads();
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(Math.min(2, threads))
        .setAllowSoftPlacement(true)
        .build();
  }

  /**
   * The configuration for token-by-token decoding, whose steps are hundreds of tiny operations:
   * they run in the calling thread (no hand-off to an inter-op pool per operation), and Grappler's
   * remapper is off (its oneDNN fusions, such as {@code _MklSwish} and the fused matrix product
   * with bias, cost several times the plain kernels on single rows).
   */
  public static ConfigProto decoding() {
    ConfigProto.Builder b = standard().toBuilder().setInterOpParallelismThreads(-1);
    b.getGraphOptionsBuilder().getRewriteOptionsBuilder().setRemapping(RewriterConfig.Toggle.OFF);
    return b.build();
  }

  /** The intra-op threads every session asks for. */
  public static int intraOpThreads() {
    String value = System.getProperty(THREADS_PROPERTY);
    String source = THREADS_PROPERTY;
    if (value == null || value.isBlank()) {
      value = System.getenv("PLDR_THREADS");
      source = "PLDR_THREADS";
    }
    if (value == null || value.isBlank()) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        source + " is '" + value + "': expected a whole number" + " of threads ≥ 1");
  }
}
