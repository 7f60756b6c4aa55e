package io.pldr.train.bench;

import io.pldr.api.config.TrainPrecision;
import io.pldr.api.model.ModelSpec;
import io.pldr.train.graph.TrainingGraph;
import io.pldr.train.loop.TrainingSession;
import io.pldr.train.optim.AdamW;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * Measures training throughput of a model shape on random weights and random tokens: tokens per
 * second, step time, peak resident memory, and achieved FLOP/s against the CPU's peak and against a
 * plain 1024×1024 float32 matrix product on the same machine.
 */
public final class TrainBenchmark {
  /** What one benchmark measured. */
  public record Measurement(
      long parameters,
      long tokensPerStep,
      double secondsPerStep,
      double tokensPerSecond,
      double flopsPerStep,
      double achievedFlops,
      double matmulFlops,
      CpuPeak peak,
      long peakMemoryBytes,
      double forwardTokensPerSecond) {}

  private TrainBenchmark() {}

  /** Runs {@code warmup} untimed and {@code steps} timed steps of batch × seq tokens. */
  public static Measurement run(
      ModelSpec spec, int batch, int seq, int warmup, int steps, long seed) {
    return run(spec, batch, seq, warmup, steps, seed, () -> {});
  }

  /**
   * As {@link #run(ModelSpec, int, int, int, int, long)}, calling {@code loaded} once the model is
   * loaded and ready, before the first step.
   */
  public static Measurement run(
      ModelSpec spec, int batch, int seq, int warmup, int steps, long seed, Runnable loaded) {
    return run(spec, batch, seq, warmup, steps, seed, TrainPrecision.MODEL_DTYPE, loaded);
  }

  /** As above, with the matrix products in {@code precision} ({@link TrainPrecision}). */
  public static Measurement run(
      ModelSpec spec,
      int batch,
      int seq,
      int warmup,
      int steps,
      long seed,
      TrainPrecision precision,
      Runnable loaded) {
    TrainingGraph graph =
        new TrainingGraph(
            spec,
            new TrainingGraph.Clip.ByValue(1.0),
            new AdamW.Settings(0.9, 0.95, 1e-5, 0.1),
            1,
            java.util.Optional.empty(),
            precision);
    try (TrainingSession session = new TrainingSession(graph)) {
      session.load(graph.model().initialValues(seed), null);
      loaded.run();
      long params =
          graph.model().parameterSpecs().values().stream().mapToLong(p -> p.shape().size()).sum();
      SplittableRandom random = new SplittableRandom(seed);
      long[][][] data = new long[1][batch][seq + 1];
      long timed = 0;
      for (int i = 0; i < warmup + steps; i++) {
        if (i == warmup) {
          System.gc();
        }
        for (long[] row : data[0]) {
          for (int j = 0; j < row.length; j++) {
            row[j] = 1 + random.nextInt(spec.config().getVocabSize() - 1);
          }
        }
        long start = System.nanoTime();
        session.step(data, 1e-4);
        if (i >= warmup) {
          timed += System.nanoTime() - start;
        }
      }
      double secondsPerStep = timed / 1e9 / steps;
      long tokens = (long) batch * seq;
      // the forward pass alone, as validation runs it: what a prompt pass compares with
      long[][] rows = new long[batch][];
      for (int b = 0; b < batch; b++) {
        rows[b] = java.util.Arrays.copyOf(data[0][b], seq + 1);
      }
      session.evaluate(rows);
      long forward = 0;
      for (int i = 0; i < steps; i++) {
        long start = System.nanoTime();
        session.evaluate(rows);
        forward += System.nanoTime() - start;
      }
      double flops = TrainFlops.step(spec, batch, seq);
      return new Measurement(
          params,
          tokens,
          secondsPerStep,
          tokens / secondsPerStep,
          flops,
          flops / secondsPerStep,
          matmulFlops(),
          CpuPeak.detect(),
          io.pldr.tf.runtime.ProcessMemory.peakBytes(),
          tokens / (forward / 1e9 / steps));
    }
  }

  /** FLOP/s of a 1024×1024 float32 matrix product chain, the machine's practical roof. */
  static double matmulFlops() {
    return matmulFlops(TFloat32.class);
  }

  /**
   * FLOP/s of the same 1024×1024 chain multiplied in bfloat16: what TensorFlow's CPU kernel for
   * bfloat16 reaches on this machine, to compare with the float32 roof.
   */
  public static double bf16MatmulFlops() {
    return matmulFlops(TBfloat16.class);
  }

  private static <T extends TFloating> double matmulFlops(Class<T> type) {
    int n = 1024;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<T> a =
          tf.dtypes.cast(
              tf.random.randomUniform(tf.constant(new int[] {n, n}), TFloat32.class), type);
      Operand<T> x = a;
      int chain = 8;
      for (int i = 0; i < chain; i++) {
        x = tf.linalg.matMul(x, a);
      }
      try (Session s = new Session(g, io.pldr.tf.runtime.SessionConfigs.standard())) {
        s.runner().fetch(x).run().close();
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 5; r++) {
          long start = System.nanoTime();
          s.runner().fetch(x).run().close();
          best = Math.min(best, System.nanoTime() - start);
        }
        return chain * 2.0 * n * n * n / (best / 1e9);
      }
    }
  }
}
