package io.pldr.train.bench;

import io.pldr.api.config.TrainPrecision;
import io.pldr.api.model.ModelSpec;
import io.pldr.tf.distributed.Collectives;
import io.pldr.tf.distributed.WorkerServer;
import io.pldr.train.distributed.DataParallel;
import io.pldr.train.graph.TrainingGraph;
import io.pldr.train.loop.TrainingSession;
import io.pldr.train.optim.AdamW;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Data-parallel training throughput: N workers, each a gRPC server and a training session in this
 * process on loopback ports, training random tokens with batch × seq tokens each. Measures the step
 * time, the time one all-reduce of every gradient takes alone (the exchange a step makes), and
 * tokens/s per worker and in total. The workers share this machine's cores.
 */
public final class DataParallelBenchmark {
  /** What one run measured (times in seconds, on the chief). */
  public record Measurement(
      int workers,
      long parameters,
      long tokensPerStepPerWorker,
      double secondsPerStep,
      double exchangeSeconds) {
    /** Tokens/s of one worker. */
    public double tokensPerSecondPerWorker() {
      return tokensPerStepPerWorker / secondsPerStep;
    }

    /** Tokens/s of all workers together. */
    public double tokensPerSecond() {
      return workers * tokensPerSecondPerWorker();
    }

    /** The share of a step an all-reduce of every gradient takes. */
    public double exchangeShare() {
      return exchangeSeconds / secondsPerStep;
    }

    /**
     * Bytes each worker sends (and receives) per step in a ring all-reduce of float32 gradients.
     */
    public double bytesPerStep() {
      return 2.0 * (workers - 1) / workers * 4 * parameters;
    }
  }

  private DataParallelBenchmark() {}

  /** Runs {@code warmup} untimed and {@code steps} timed steps on {@code workers} workers. */
  public static Measurement run(
      ModelSpec spec,
      int workers,
      int batch,
      int seq,
      int warmup,
      int steps,
      long seed,
      TrainPrecision precision)
      throws Exception {
    List<WorkerServer> servers = WorkerServer.loopback(workers);
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<Measurement>> runs = new ArrayList<>();
      for (WorkerServer server : servers) {
        runs.add(
            pool.submit(() -> worker(spec, server, batch, seq, warmup, steps, seed, precision)));
      }
      List<Measurement> all = new ArrayList<>();
      for (Future<Measurement> f : runs) {
        all.add(f.get());
      }
      return all.get(0);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Measurement worker(
      ModelSpec spec,
      WorkerServer server,
      int batch,
      int seq,
      int warmup,
      int steps,
      long seed,
      TrainPrecision precision) {
    DataParallel parallel = new DataParallel(server, Duration.ofMinutes(10), 1);
    TrainingGraph graph =
        new TrainingGraph(
            spec,
            new TrainingGraph.Clip.ByValue(1.0),
            new AdamW.Settings(0.9, 0.95, 1e-5, 0.1),
            1,
            Optional.empty(),
            precision,
            Optional.of(parallel));
    long parameters =
        graph.model().parameterSpecs().values().stream().mapToLong(p -> p.shape().size()).sum();
    double step;
    try (TrainingSession session =
        new TrainingSession(graph, g -> server.openSession(g.model().graph()))) {
      session.load(graph.model().initialValues(seed), null);
      session.takeChiefState();
      SplittableRandom random = new SplittableRandom(seed + 1 + parallel.task());
      long[][][] data = new long[1][batch][seq + 1];
      long timed = 0;
      for (int i = 0; i < warmup + steps; i++) {
        for (long[] row : data[0]) {
          for (int j = 0; j < row.length; j++) {
            row[j] = 1 + random.nextInt(spec.config().getVocabSize() - 1);
          }
        }
        long start = System.nanoTime();
        session.replicaStep(data, new double[] {1.0}, 1e-4);
        if (i >= warmup) {
          timed += System.nanoTime() - start;
        }
      }
      step = timed / 1e9 / steps;
    }
    double exchange = allReduceSeconds(server, parameters, warmup, steps);
    return new Measurement(parallel.workers(), parameters, (long) batch * seq, step, exchange);
  }

  /**
   * Seconds the all-reduce of {@code size} float32 values takes among the workers, in the pieces a
   * training step reduces its gradients in.
   */
  private static double allReduceSeconds(WorkerServer server, long size, int warmup, int steps) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Collectives c = new Collectives(tf, server.cluster(), 2, Duration.ofMinutes(10));
      Operand<TFloat32> reduced =
          c.allReduceMean(tf.fill(tf.constant(new long[] {size}), tf.constant(1f)), size);
      Operand<TFloat32> first =
          tf.slice(reduced, tf.constant(new int[] {0}), tf.constant(new int[] {1}));
      try (Session s = server.openSession(g)) {
        long timed = 0;
        for (int i = 0; i < Math.max(1, warmup) + steps; i++) {
          long start = System.nanoTime();
          s.runner().fetch(first).run().close();
          if (i >= Math.max(1, warmup)) {
            timed += System.nanoTime() - start;
          }
        }
        return timed / 1e9 / steps;
      }
    }
  }
}
