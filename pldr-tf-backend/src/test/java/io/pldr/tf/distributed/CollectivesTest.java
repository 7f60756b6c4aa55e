package io.pldr.tf.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Two workers in this JVM, each with its own gRPC server and session (TensorFlow cannot stop a
 * server, so they live until the JVM ends): the collectives compute what they promise.
 */
class CollectivesTest {
  private static WorkerServer[] servers;
  private static ExecutorService pool;

  @BeforeAll
  static void startTwoWorkers() throws Exception {
    servers = WorkerServer.loopback(2).toArray(WorkerServer[]::new);
    pool = Executors.newFixedThreadPool(2);
    servers[1].awaitPeers(Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** What each task's graph computes, built from its collectives and its own value. */
  private interface Build {
    Operand<TFloat32> apply(Ops tf, Collectives c, float[] own);
  }

  /** A group key per graph: TensorFlow keeps each group's instance keys for the process. */
  private static int nextGroup = 10;

  private static float[][] onBothWorkers(Build build, float[][] values) throws Exception {
    int group = nextGroup++;
    List<Future<float[]>> out = new ArrayList<>();
    for (int task = 0; task < 2; task++) {
      int t = task;
      out.add(
          pool.submit(
              () -> {
                try (Graph g = new Graph()) {
                  Ops tf = Ops.create(g);
                  Collectives c =
                      new Collectives(tf, servers[t].cluster(), group, Duration.ofSeconds(20));
                  Operand<TFloat32> y = build.apply(tf, c, values[t]);
                  try (Session s = servers[t].openSession(g);
                      Result r = s.runner().fetch(y).run()) {
                    TFloat32 v = (TFloat32) r.get(0);
                    float[] f = new float[(int) v.shape().size()];
                    v.asRawTensor().data().asFloats().read(f);
                    return f;
                  }
                }
              }));
    }
    return new float[][] {
      out.get(0).get(60, TimeUnit.SECONDS), out.get(1).get(60, TimeUnit.SECONDS)
    };
  }

  @Test
  void allReduceBroadcastAndGatherComputeWhatTheySay() throws Exception {
    float[][] own = {{1f, 10f, -3f}, {2f, 20f, 5f}};
    float[][] mean = onBothWorkers((tf, c, v) -> c.allReduceMean(tf.constant(v)), own);
    assertThat(mean[0]).containsExactly(1.5f, 15f, 1f);
    assertThat(mean[1]).containsExactly(mean[0]);
    float[][] sum = onBothWorkers((tf, c, v) -> c.allReduceSum(tf.constant(v)), own);
    assertThat(sum[1]).containsExactly(3f, 30f, 2f);
    float[][] chief = onBothWorkers((tf, c, v) -> c.broadcast(tf.constant(v)), own);
    assertThat(chief[0]).containsExactly(own[0]);
    assertThat(chief[1]).containsExactly(own[0]);
    float[][] all = onBothWorkers((tf, c, v) -> c.allGather(tf.constant(v)), own);
    assertThat(all[1]).containsExactly(1f, 10f, -3f, 2f, 20f, 5f);
  }

  @Test
  void aLongVectorIsReducedInPiecesToTheSameMean() throws Exception {
    int n = (int) (2.5 * Collectives.PIECE); // three pieces
    int[] at = {0, (int) Collectives.PIECE - 1, (int) Collectives.PIECE, n - 1};
    float[][] means =
        onBothWorkers(
            (tf, c, v) -> {
              Operand<TFloat32> x =
                  tf.math.mul(
                      tf.dtypes.cast(
                          tf.range(tf.constant(0), tf.constant(n), tf.constant(1)), TFloat32.class),
                      tf.constant(v[0]));
              return tf.gather(c.allReduceMean(x, n), tf.constant(at), tf.constant(0));
            },
            new float[][] {{1f}, {2f}});
    for (int i = 0; i < at.length; i++) {
      assertThat(means[0][i]).isEqualTo(1.5f * at[i]);
      assertThat(means[1][i]).isEqualTo(1.5f * at[i]);
    }
  }

  @Test
  void aWorkerThatNeverComesMakesTheOtherFailWithinItsTimeout() throws Exception {
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () -> {
              try (Graph g = new Graph()) {
                Ops tf = Ops.create(g);
                Collectives c = new Collectives(tf, servers[0].cluster(), 2, Duration.ofSeconds(2));
                try (Session s = servers[0].openSession(g)) {
                  s.runner().fetch(c.allReduceMean(tf.constant(new float[] {1f}))).run().close();
                }
              }
            })
        .isInstanceOf(RuntimeException.class);
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(30);
  }
}
