package io.pldr.tf.runtime;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/**
 * The session configurations of the process: the available cores, or {@code PLDR_THREADS}
 * (environment) / {@code pldr.threads} (system property, set before the first session). Decoding
 * sessions without either choose by the size of the model's matrices ({@link #decodingThreads}).
 *
 * <p>TensorFlow gives every session the intra-op pool of the process's first session, sized by that
 * session's configuration, unless the environment variable {@value #PER_SESSION_POOLS} is true when
 * the first session starts: then each session has a pool of its own size ({@link
 * #perSessionThreadPools}). {@code ./pldr} sets it, so that two decoders in one process (formats
 * side by side, or training then generating) each run on the threads chosen for them.
 */
public final class SessionConfigs {
  /** The system property that sets the intra-op threads (wins over the environment). */
  public static final String THREADS_PROPERTY = "pldr.threads";

  /**
   * Below this many bytes of matrices a decoding step runs on one intra-op thread: a small model's
   * products are too small to split (its step costs more on two threads than on one), and one core
   * still reads the paper shape's 110 MB of int8 weights faster alone; the paper shape in bfloat16
   * (220 MB) and float32 (440 MB) is bound by memory bandwidth, which every core adds to. Measured
   * on {@code bench decode}'s small and paper shapes (docs/benchmarks.md).
   */
  public static final long ONE_THREAD_BELOW_BYTES = 128L << 20;

  /** TensorFlow's environment variable for a pool of its own size per session. */
  public static final String PER_SESSION_POOLS = "TF_OVERRIDE_GLOBAL_THREADPOOL";

  private SessionConfigs() {}

  /**
   * Whether each session gets an intra-op pool of the size it asks for ({@value #PER_SESSION_POOLS}
   * is true or 1), rather than sharing the pool of the process's first session.
   */
  public static boolean perSessionThreadPools() {
    String value = System.getenv(PER_SESSION_POOLS);
    return value != null && (value.trim().equals("1") || value.trim().equalsIgnoreCase("true"));
  }

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

  /**
   * The configuration for decoding a model whose matrices take {@code weightBytes}: {@link
   * #decoding()} with {@link #decodingThreads} intra-op threads.
   */
  public static ConfigProto decoding(long weightBytes) {
    return decoding().toBuilder()
        .setIntraOpParallelismThreads(decodingThreads(weightBytes))
        .build();
  }

  /**
   * The intra-op threads for decoding a model whose matrices take {@code weightBytes}: the explicit
   * setting if there is one ({@link #explicitThreads}), else one thread below {@link
   * #ONE_THREAD_BELOW_BYTES} and every core above.
   */
  public static int decodingThreads(long weightBytes) {
    return explicitThreads()
        .orElse(
            weightBytes < ONE_THREAD_BELOW_BYTES ? 1 : Runtime.getRuntime().availableProcessors());
  }

  /** The threads set by {@code pldr.threads} or {@code PLDR_THREADS}, if either is. */
  public static java.util.Optional<Integer> explicitThreads() {
    String property = System.getProperty(THREADS_PROPERTY);
    String env = System.getenv("PLDR_THREADS");
    if ((property == null || property.isBlank()) && (env == null || env.isBlank())) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(intraOpThreads());
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
