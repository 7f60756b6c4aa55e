package io.pldr.tf.runtime;

import org.tensorflow.proto.ConfigProto;

/**
 * The one session configuration of the process. TensorFlow fixes its thread pools with the
 * first session, so every session pldr opens uses this: intra-op threads = available cores
 * (or {@code PLDR_THREADS}), two inter-op threads.
 */
public final class SessionConfigs {
  private SessionConfigs() {}

  /** The configuration for every session. */
  public static ConfigProto standard() {
    int cores = Runtime.getRuntime().availableProcessors();
    String env = System.getenv("PLDR_THREADS");
    int threads = env == null || env.isBlank() ? cores : Integer.parseInt(env.trim());
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(Math.min(2, threads))
        .setAllowSoftPlacement(true)
        .build();
  }
}
