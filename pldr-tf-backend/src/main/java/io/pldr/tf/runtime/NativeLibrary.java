package io.pldr.tf.runtime;

import org.tensorflow.TensorFlow;

/**
 * TensorFlow's native library (about 650 MB, unpacked by JavaCPP and linked on first use: one to
 * three seconds) loaded in a thread of its own, so that a command can set up everything else
 * meanwhile; the first graph or session waits for it.
 */
public final class NativeLibrary {
  private NativeLibrary() {}

  /** Starts loading the library in a daemon thread; returns at once. */
  public static void loadInBackground() {
    Thread loader =
        new Thread(
            () -> {
              try {
                TensorFlow.version();
              } catch (LinkageError e) {
                // the first use in the calling thread reports it
              }
            },
            "pldr-tensorflow-load");
    loader.setDaemon(true);
    loader.start();
  }
}
