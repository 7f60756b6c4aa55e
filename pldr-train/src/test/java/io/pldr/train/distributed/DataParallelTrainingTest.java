package io.pldr.train.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import io.pldr.api.config.TrainConfig;
import io.pldr.tf.distributed.WorkerServer;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.train.config.TrainConfigs;
import io.pldr.train.loop.Trainer;
import io.pldr.train.loop.TrainingSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers (two gRPC servers in this JVM, one training thread each) train the main job's model
 * (pldr-examples/configs/moby-dick-small.textproto, sequences of 16 tokens) with batch b each, and
 * one process trains it with batch 2b: the per-step losses agree within 1e-5 relative over 30
 * steps, with and without gradient accumulation and DAG regularisation.
 */
class DataParallelTrainingTest {
  private static final Path MAIN_JOB =
      Path.of("..", "pldr-examples", "configs", "moby-dick-small.textproto");
  private static WorkerServer[] servers;
  private static ExecutorService pool;
  private static int nextGroup = 1;

  @TempDir static Path cache;

  @BeforeAll
  static void startTwoWorkers() throws Exception {
    servers = WorkerServer.loopback(2).toArray(WorkerServer[]::new);
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** The main job's configuration for 30 steps of batch {@code batch}, every step logged. */
  private static TrainConfig mainJob(Path out, int batch, String extra) throws Exception {
    String text = Files.readString(MAIN_JOB);
    return TrainConfigs.parse(
        text
            + "\nbatch_size: %d\nseq_len: 16\nsteps: 30\nlog_every: 1\neval_every: 0\n"
                .formatted(batch)
            + "checkpoint_every: 0\neval_batches: 1\nschedule { warmup_steps: 5 }\nsample { lines: 0 }\nout_dir: \"%s\"\n%s"
                .formatted(out, extra),
        "main job");
  }

  /** {@code config} validated every 10 steps on 3 batches. */
  private static TrainConfig validated(TrainConfig config) {
    return config.toBuilder().setEvalEvery(10).setEvalBatches(3).build();
  }

  private static Trainer trainer() {
    return Guice.createInjector(PldrInjectors.builtIn()).getInstance(Trainer.class);
  }

  private static List<Double> losses(Path out) throws Exception {
    return losses(out, "train");
  }

  /** The losses of one split ({@code train} or {@code validation}) in metrics.jsonl, in order. */
  private static List<Double> losses(Path out, String split) throws Exception {
    List<Double> losses = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
      JsonNode n = json.readTree(line);
      if (n.path("split").asText().equals(split)) {
        losses.add(n.path("loss").asDouble());
      }
    }
    return losses;
  }

  /** Both workers' runs; the chief's summary first. */
  private static List<TrainingSummary> twoWorkers(TrainConfig config, Duration timeout)
      throws Exception {
    int group = nextGroup++;
    List<Future<TrainingSummary>> runs = new ArrayList<>();
    for (WorkerServer server : servers) {
      runs.add(
          pool.submit(
              () ->
                  trainer()
                      .run(
                          config,
                          false,
                          cache,
                          Optional.of(new DataParallel(server, timeout, group)))));
    }
    List<TrainingSummary> out = new ArrayList<>();
    for (Future<TrainingSummary> f : runs) {
      out.add(f.get(5, TimeUnit.MINUTES));
    }
    return out;
  }

  /** The largest relative difference of two loss curves over their first {@code steps}. */
  private static double maxRelative(List<Double> a, List<Double> b, int steps) {
    double worst = 0;
    for (int i = 0; i < steps; i++) {
      worst = Math.max(worst, Math.abs(a.get(i) - b.get(i)) / Math.abs(b.get(i)));
    }
    return worst;
  }

  private static String curve(List<Double> a, List<Double> b) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < a.size(); i++) {
      out.append(String.format(" %.1e", Math.abs(a.get(i) - b.get(i)) / Math.abs(b.get(i))));
    }
    return out.toString();
  }

  /**
   * The learned operator, as the main job trains it, with DAG regularisation: two workers of batch
   * 8 compute exactly what one process computes with batch 8 and two accumulated micro-batches (the
   * same sums in the same order), over all 30 steps. Against one process of batch 16 they agree
   * within 1e-5 until the learned operator amplifies the rounding of a re-associated sum (from the
   * third step), and from there they stray exactly as far from it as that one process accumulating
   * two micro-batches does: the difference is the operator's sensitivity, not data parallelism.
   */
  @Test
  void twoWorkersComputeWhatOneProcessAccumulatingTheirSharesComputes(@TempDir Path dir)
      throws Exception {
    String dag = "dag { c_a: 0.01 c_g: 0.01 }\n";
    trainer().run(mainJob(dir.resolve("b16"), 16, dag), false, cache);
    trainer().run(mainJob(dir.resolve("b8x2"), 8, dag + "grad_accumulation: 2\n"), false, cache);
    twoWorkers(mainJob(dir.resolve("workers"), 8, dag), Duration.ofSeconds(60));
    List<Double> b16 = losses(dir.resolve("b16"));
    List<Double> b8x2 = losses(dir.resolve("b8x2"));
    List<Double> workers = losses(dir.resolve("workers"));
    assertThat(workers).hasSize(30);
    System.out.println("two workers against batch 8 x 2 accumulated:" + curve(workers, b8x2));
    System.out.println("two workers against batch 16:" + curve(workers, b16));
    System.out.println("one process, batch 8 x 2 accumulated against batch 16:" + curve(b8x2, b16));
    assertThat(maxRelative(workers, b8x2, 30)).isLessThanOrEqualTo(1e-6);
    // against batch 16 the workers stray exactly as far as that one process does
    for (int i = 0; i < 30; i++) {
      double workersOff = Math.abs(workers.get(i) - b16.get(i)) / b16.get(i);
      double accumulatedOff = Math.abs(b8x2.get(i) - b16.get(i)) / b16.get(i);
      assertThat(workersOff).as("step %d", i + 1).isCloseTo(accumulatedOff, within(1e-6));
    }
    assertThat(maxRelative(workers, b16, 2)).isLessThanOrEqualTo(1e-5);
    // the model learned: not two runs that both stood still
    assertThat(b16.get(29)).isLessThan(b16.get(0) - 0.5);
  }

  /**
   * With scaled dot-product attention (the identity operator: no metric learner to amplify
   * rounding) and two accumulated micro-batches, two workers of batch 8 follow one process of batch
   * 16 within 1e-5 relative over all 30 steps; and a two-worker checkpoint resumes in one process
   * that accumulates 4 micro-batches of 8 (the same rows a step), following it too.
   */
  @Test
  void twoWorkersFollowOneProcessOfTwiceTheBatchWithAccumulation(@TempDir Path dir)
      throws Exception {
    String sdpa = "grad_accumulation: 2\nmodel { tensor_operator { name: \"identity\" } }\n";
    // validated every 10 steps on 3 batches of 16 rows: each worker evaluates 8 rows of each
    trainer().run(validated(mainJob(dir.resolve("sdpa16"), 16, sdpa)), false, cache);
    twoWorkers(validated(mainJob(dir.resolve("sdpa8"), 8, sdpa)), Duration.ofSeconds(60));
    List<Double> one = losses(dir.resolve("sdpa16"));
    List<Double> two = losses(dir.resolve("sdpa8"));
    System.out.println(
        "identity operator, accumulation 2: two workers against batch 16:" + curve(two, one));
    assertThat(two).hasSize(30);
    assertThat(maxRelative(two, one, 30)).isLessThanOrEqualTo(1e-5);
    assertThat(one.get(29)).isLessThan(one.get(0) - 0.5);
    List<Double> oneValidation = losses(dir.resolve("sdpa16"), "validation");
    List<Double> twoValidation = losses(dir.resolve("sdpa8"), "validation");
    System.out.println(
        "validation at steps 10, 20, 30, two workers against batch 16:"
            + curve(twoValidation, oneValidation));
    assertThat(twoValidation).hasSize(3);
    assertThat(maxRelative(twoValidation, oneValidation, 3)).isLessThanOrEqualTo(1e-5);

    // elastic: the two workers' run (8 rows × 2 micro-batches each) stopped at step 15 resumes as
    // one process accumulating 4 micro-batches of 8 (the same 32 rows a step) and follows the one
    // process of batch 16 × 2 from step 16 on
    Path elastic = dir.resolve("elastic");
    twoWorkers(mainJob(elastic, 8, sdpa).toBuilder().setSteps(15).build(), Duration.ofSeconds(60));
    trainer()
        .run(mainJob(elastic, 8, sdpa).toBuilder().setGradAccumulation(4).build(), true, cache);
    List<Double> resumed = losses(elastic);
    System.out.println(
        "two workers to step 15, one process of 8 x 4 accumulated from there, against 16 x 2:"
            + curve(resumed, one));
    assertThat(resumed).hasSize(30);
    assertThat(maxRelative(resumed, one, 30)).isLessThanOrEqualTo(1e-5);
    // another number of rows a step is refused, naming what keeps it
    assertThatThrownBy(() -> trainer().run(mainJob(elastic, 8, sdpa), true, cache))
        .hasMessageContaining(
            "a step's rows (batch_size × grad_accumulation × workers) are 8 × 2 × 1")
        .hasMessageContaining("with 1 worker batch_size × grad_accumulation must be 32");
  }

  @Test
  void aWorkerWithAnotherConfigurationIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
    int group = nextGroup++;
    Future<TrainingSummary> chief =
        pool.submit(
            () ->
                trainer()
                    .run(
                        mainJob(dir.resolve("a"), 8, ""),
                        false,
                        cache,
                        Optional.of(new DataParallel(servers[0], Duration.ofSeconds(60), group))));
    Future<TrainingSummary> other =
        pool.submit(
            () ->
                trainer()
                    .run(
                        mainJob(dir.resolve("a"), 8, "optimizer { learning_rate: 1e-3 }"),
                        false,
                        cache,
                        Optional.of(new DataParallel(servers[1], Duration.ofSeconds(60), group))));
    assertThatThrownBy(() -> other.get(5, TimeUnit.MINUTES))
        .hasMessageContaining("field optimizer.learning_rate is 0.001 here but 0.003 on the chief");
    assertThatThrownBy(() -> chief.get(5, TimeUnit.MINUTES))
        .hasMessageContaining(
            "task 1 (" + servers[1].cluster().self() + ") is running a configuration that differs")
        .hasMessageContaining("that worker's error names the field");
  }
}
