package io.pldr.train.loop;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.OptimizerConfig;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.eval.metric.Accuracy;
import io.pldr.eval.metric.Perplexity;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.RunLock;
import io.pldr.tf.inject.Components;
import io.pldr.tf.io.AtomicFiles;
import io.pldr.train.data.BatchIterator;
import io.pldr.train.data.DataPosition;
import io.pldr.train.data.TrainingData;
import io.pldr.train.distributed.DataParallel;
import io.pldr.train.distributed.ReplicaStart;
import io.pldr.train.graph.DagCoefficients;
import io.pldr.train.graph.TrainingGraph;
import io.pldr.train.observe.LossCurves;
import io.pldr.train.observe.LossPlot;
import io.pldr.train.observe.MetricsHistory;
import io.pldr.train.observe.ProgressFormat;
import io.pldr.train.observe.ProgressReporter;
import io.pldr.train.observe.ProgressReporters;
import io.pldr.train.observe.ReferenceLine;
import io.pldr.train.observe.Split;
import io.pldr.train.observe.StepStats;
import io.pldr.train.observe.TensorBoardWriter;
import io.pldr.train.optim.AdamW;
import io.pldr.train.optim.LearningRateSchedule;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pretraining configuration end to end: data and tokenizer, the training graph, the loop
 * (AdamW steps at the scheduled learning rate, validation, checkpoints, progress, TensorBoard,
 * metrics history), then a loss plot and text sampled with KV- and G-cache. A run continues exactly
 * from its newest checkpoint when resumed.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private final Components components;

  @Inject
  public Trainer(Components components) {
    this.components = components;
  }

  /**
   * Trains. With {@code resume}, continues from the newest valid checkpoint in {@code out_dir}
   * (whose configuration then governs the run; a damaged newer one is reported and skipped), or
   * starts at step 0 when there is none yet; a run already at its last step returns at once (a
   * summary of no steps, {@link TrainingSummary#stepsThisRun()} 0). Without it, refuses an {@code
   * out_dir} that already holds checkpoints. The run folder is locked ({@link RunLock}) while the
   * run lasts, and what an interrupted earlier run left in it is cleaned first. {@code cacheDir}
   * keeps trained tokenizers and encoded corpora.
   */
  public TrainingSummary run(TrainConfig requested, boolean resume, Path cacheDir)
      throws IOException {
    return run(requested, resume, cacheDir, Optional.empty());
  }

  /**
   * Trains as {@link #run(TrainConfig, boolean, Path)}, with {@code parallel} as one worker of a
   * data-parallel run: each step, this worker computes the gradients of its share of the global
   * batch ({@code batch_size} rows of the {@code batch_size} × workers that one process with that
   * batch would read, in task order) and the update applies their mean over all workers. The chief
   * (task 0) does what one process does (checkpoints, TensorBoard, metrics, samples, the run lock);
   * the other workers write nothing to {@code out_dir}, start from the chief's variables and
   * position (its checkpoint's with {@code resume}), and are refused at start if their
   * configuration differs from the chief's.
   */
  public TrainingSummary run(
      TrainConfig requested, boolean resume, Path cacheDir, Optional<DataParallel> parallel)
      throws IOException {
    long started = System.nanoTime();
    if (parallel.isPresent() && !parallel.get().cluster().isChief()) {
      Path scratch = Files.createTempDirectory("pldr-worker-" + parallel.get().task() + "-");
      try {
        return locked(
            requested.toBuilder().setOutDir(scratch.toString()).build(),
            false,
            cacheDir,
            scratch,
            started,
            parallel);
      } finally {
        deleteTree(scratch);
      }
    }
    Path out = Path.of(requested.getOutDir());
    try (RunLock lock = RunLock.acquire(out)) {
      return locked(requested, resume, cacheDir, out, started, parallel);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The checkpoint a run resumes from, read and checked whole. */
  record ResumePoint(
      Checkpoint checkpoint, Map<String, HostTensor> model, Map<String, HostTensor> optimizer) {}

  private TrainingSummary locked(
      TrainConfig requested,
      boolean resume,
      Path cacheDir,
      Path out,
      long started,
      Optional<DataParallel> parallel)
      throws IOException {
    Path root = out.resolve(CheckpointStore.RUN_SUBFOLDER);
    new CheckpointStore(root, Integer.MAX_VALUE).cleanUp();
    CheckpointStore store;
    ResumePoint point = null;
    TrainConfig config = requested;
    if (resume) {
      point = newestValid(new CheckpointStore(root, Integer.MAX_VALUE));
      if (point == null) {
        LOG.info("--resume: no checkpoint in {} yet: starting the run at step 0", root);
      }
    } else {
      Optional<Path> existing = new CheckpointStore(root, Integer.MAX_VALUE).latest();
      if (existing.isPresent()) {
        throw new IllegalArgumentException(
            "out_dir "
                + out
                + " already holds checkpoints ("
                + existing.get().getFileName()
                + "): pass --resume to continue that run, or"
                + " choose another out_dir");
      }
    }
    Checkpoint checkpoint = null;
    if (point != null) {
      checkpoint = point.checkpoint();
      Path latest = checkpoint.dir();
      config =
          ResumeCheck.merge(
              checkpoint.state(), requested, parallel.map(DataParallel::workers).orElse(1), latest);
      long at = checkpoint.state().getStep();
      if (at >= config.getSteps()) {
        LOG.info(
            "{} is at step {} and the run has {} steps: nothing to train",
            latest,
            at,
            config.getSteps());
        return new TrainingSummary(
            at,
            at,
            checkpoint.state().getTrainLoss(),
            checkpoint.state().getValidationLoss(),
            Double.NaN,
            Double.NaN,
            Double.NaN,
            0,
            0,
            latest,
            out.resolve("loss.png"),
            List.of());
      }
      String runId = checkpoint.state().getRunId();
      store =
          runId.isEmpty()
              // a version-1 run records no identity: its checkpoints become this run's own
              ? new CheckpointStore(root, config.getKeepCheckpoints()).adopting("")
              : new CheckpointStore(root, config.getKeepCheckpoints(), runId);
      restoreTokenizer(checkpoint, out);
      LOG.info("resuming from {} (step {})", latest, at);
    } else {
      store = new CheckpointStore(root, config.getKeepCheckpoints());
    }

    int workers = parallel.map(DataParallel::workers).orElse(1);
    // every worker reads the global batch (batch_size × workers rows) and takes its share
    TrainConfig global = config.toBuilder().setBatchSize(config.getBatchSize() * workers).build();
    try (TrainingData data = TrainingData.prepare(global, cacheDir)) {
      ModelConfig model = config.getModel();
      if (data.tokenizer().vocabSize() != model.getVocabSize()) {
        throw new IllegalArgumentException(
            "the tokenizer "
                + data.tokenizerFile()
                + " has "
                + data.tokenizer().vocabSize()
                + " ids but model.vocab_size is "
                + model.getVocabSize()
                + ": they must be equal");
      }
      if (checkpoint != null) {
        Path own = checkpoint.tokenizerFile();
        if (!CheckpointStore.sha256(data.tokenizerFile()).equals(CheckpointStore.sha256(own))) {
          throw new IllegalArgumentException(
              "--resume: the tokenizer "
                  + data.tokenizerFile()
                  + " differs from the one the checkpoint was trained with ("
                  + own
                  + "): resuming would change the token ids; use that tokenizer"
                  + " (data.tokenizer.path)");
        }
      }
      TrainingGraph graph =
          new TrainingGraph(
              components.spec(model),
              clip(config.getOptimizer()),
              adam(config.getOptimizer()),
              config.getGradAccumulation(),
              DagCoefficients.of(config),
              config.getPrecision(),
              parallel);
      try (TrainingSession session =
          new TrainingSession(
              graph,
              g ->
                  parallel.isPresent()
                      ? parallel.get().server().openSession(g.model().graph())
                      : g.model().openSession())) {
        long step;
        DataPosition position;
        if (checkpoint != null) {
          session.load(point.model(), point.optimizer());
          step = checkpoint.state().getStep();
          position =
              new DataPosition(
                  checkpoint.state().getDataPosition().getEpoch(),
                  checkpoint.state().getDataPosition().getIndex());
        } else {
          session.load(graph.model().initialValues(config.getSeed()), null);
          step = 0;
          position = DataPosition.START;
        }
        long tokensSeen = checkpoint == null ? 0 : checkpoint.state().getTokensSeen();
        if (parallel.isPresent()) {
          ReplicaStart.Progress start =
              ReplicaStart.agree(
                  session,
                  parallel.get(),
                  config,
                  CheckpointStore.sha256(data.tokenizerFile()),
                  new ReplicaStart.Progress(step, position, tokensSeen));
          step = start.step();
          position = start.position();
          tokensSeen = start.tokensSeen();
        }
        return loop(
            config, data, session, store, step, position, tokensSeen, out, started, parallel);
      }
    }
  }

  /**
   * The newest checkpoint under {@code store} that reads whole (state, checksums, finite values,
   * the optimiser's step), null when there is none at all. Each damaged newer one is logged with
   * the reason and skipped; when every checkpoint is damaged, fails listing them.
   */
  static ResumePoint newestValid(CheckpointStore store) throws IOException {
    List<Path> all = store.list();
    List<String> bad = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path dir = all.get(i);
      try {
        Checkpoint c = CheckpointStore.read(dir);
        Map<String, HostTensor> model = c.model();
        Map<String, HostTensor> optimizer = c.optimizer();
        HostTensor t = optimizer.get(AdamW.STEP);
        if (t == null || t.size() != 1 || t.get(0) != c.state().getStep()) {
          throw new IOException(
              c.dir().resolve(CheckpointStore.OPTIMIZER_FILE)
                  + ": the optimiser's step counter "
                  + AdamW.STEP
                  + (t == null || t.size() != 1 ? " is missing" : " is " + (long) t.get(0))
                  + ", the checkpoint's step is "
                  + c.state().getStep());
        }
        c.tokenizerFile();
        if (!bad.isEmpty()) {
          LOG.warn("falling back to {}, the newest valid checkpoint", dir);
        }
        return new ResumePoint(c, model, optimizer);
      } catch (IOException | RuntimeException e) {
        LOG.warn("checkpoint {} is damaged, not resuming from it: {}", dir, e.getMessage());
        bad.add(dir.getFileName() + ": " + e.getMessage());
      }
    }
    if (!bad.isEmpty()) {
      throw new IOException(
          "--resume: no valid checkpoint in "
              + store.root()
              + "; every one is damaged:\n  "
              + String.join("\n  ", bad));
    }
    return null;
  }

  /**
   * Puts the checkpoint's own tokenizer back as the run's tokenizer file, so that the resumed run
   * tokenizes as the checkpoint did, whatever happened to the run-level copy.
   */
  private static void restoreTokenizer(Checkpoint checkpoint, Path out) throws IOException {
    Path own = checkpoint.tokenizerFile();
    Path runCopy = out.resolve(own.getFileName());
    if (Files.isRegularFile(runCopy)
        && CheckpointStore.sha256(runCopy).equals(CheckpointStore.sha256(own))) {
      return;
    }
    if (Files.exists(runCopy)) {
      LOG.warn("{} differs from the checkpoint's tokenizer {}: restoring it", runCopy, own);
    }
    byte[] bytes = Files.readAllBytes(own);
    AtomicFiles.write(
        runCopy,
        channel -> {
          ByteBuffer b = ByteBuffer.wrap(bytes);
          while (b.hasRemaining()) {
            channel.write(b);
          }
        });
  }

  private TrainingSummary loop(
      TrainConfig config,
      TrainingData data,
      TrainingSession session,
      CheckpointStore store,
      long startStep,
      DataPosition startPosition,
      long tokensSeen,
      Path out,
      long started,
      Optional<DataParallel> parallel)
      throws IOException {
    boolean chief = parallel.isEmpty() || parallel.get().cluster().isChief();
    int workers = parallel.map(DataParallel::workers).orElse(1);
    long pad = config.getModel().getTokenIds().getPad();
    LearningRateSchedule schedule =
        new LearningRateSchedule(
            config.getOptimizer().getLearningRate(), config.getSchedule().getWarmupSteps(),
            config.getSchedule().getTotalSteps(), config.getSchedule().getAlpha());
    BatchIterator batches = data.trainBatches(startPosition);
    int k = config.getGradAccumulation();
    long tokensPerStep = (long) k * config.getBatchSize() * workers * config.getSeqLen();
    double entropy = data.unigramEntropy().nats();
    TrainingSession.StepResult last = null;
    Validation lastEval = null;
    Path lastCheckpoint = store.latest().orElse(null);
    long lastEvalStep = -1;
    double rate = 0;
    long timedTokens = 0;
    long timedNanos = 0;
    try (MetricsHistory history = MetricsHistory.resume(out, startStep);
        TensorBoardWriter tb = TensorBoardWriter.open(out.resolve("tensorboard"));
        ProgressReporter progress =
            ProgressReporters.forEnvironment("train", config.getLogEvery());
        CheckpointWriter checkpoints = new CheckpointWriter()) {
      if (startStep > 0) {
        tb.sessionStart(startStep + 1);
      }
      progress.start(config.getSteps(), startStep);
      for (long step = startStep + 1; step <= config.getSteps(); step++) {
        long[][][] micro = new long[k][][];
        double[] weights = new double[k];
        for (int i = 0; i < k; i++) {
          micro[i] = batches.next();
          if (parallel.isPresent()) {
            Share share = Share.of(micro[i], parallel.get().task(), workers, pad);
            micro[i] = share.rows();
            weights[i] = share.lossWeight();
          }
        }
        double lr = schedule.at(step);
        long t0 = System.nanoTime();
        last =
            parallel.isPresent()
                ? replicaStep(session, parallel.get(), micro, weights, lr, step)
                : session.step(micro, lr);
        long dt = System.nanoTime() - t0;
        if (step > startStep + 1) {
          timedNanos += dt;
          timedTokens += tokensPerStep;
        }
        rate = timedNanos > 0 ? timedTokens / (timedNanos / 1e9) : tokensPerStep / (dt / 1e9);
        tokensSeen += tokensPerStep;
        if (!Double.isFinite(last.objective())) {
          // the checkpoint being written is of an earlier, finite step: let it finish and name it
          lastCheckpoint = reported(checkpoints.await(), lastCheckpoint, progress);
          throw new TrainingDivergedException(
              step,
              last.objective(),
              lastCheckpoint == null
                  ? "none (no checkpoint was written yet)"
                  : lastCheckpoint.toString());
        }
        progress.step(
            StepStats.of(step, last.loss(), lr, rate)
                .withAccuracy(last.accuracy())
                .withGradNorm(last.gradientNorm()));
        lastCheckpoint = reported(checkpoints.poll(), lastCheckpoint, progress);
        if (step % config.getLogEvery() == 0 || step == config.getSteps()) {
          Map<String, Double> m = new LinkedHashMap<>();
          m.put("loss", last.loss());
          m.put("accuracy", last.accuracy());
          m.put("learning_rate", lr);
          m.put("grad_norm", last.gradientNorm());
          m.put("tokens_per_second", rate);
          Map<String, Double> scalars = new LinkedHashMap<>();
          m.forEach((name, v) -> scalars.put("train/" + name, v));
          if (!last.dag().isEmpty()) {
            addDag(m, scalars, "dag/", last.objective(), last.dag());
            scalars.put("train/objective", last.objective());
            progress.message(
                String.format(
                    Locale.ROOT,
                    "step %d: %s",
                    step,
                    ProgressFormat.dag(last.objective(), last.dag())));
          }
          history.append(step, Split.TRAIN, m);
          tb.scalars(step, scalars);
        }
        boolean end = step == config.getSteps();
        if (end || (config.getEvalEvery() > 0 && step % config.getEvalEvery() == 0)) {
          lastEval = validate(data, session, parallel);
          lastEvalStep = step;
          Map<String, Double> m = new LinkedHashMap<>();
          m.put("loss", lastEval.loss());
          m.put("accuracy", lastEval.accuracy());
          m.put("perplexity", lastEval.perplexity());
          Map<String, Double> scalars = new LinkedHashMap<>();
          m.forEach((name, v) -> scalars.put("validation/" + name, v));
          if (!lastEval.dag().isEmpty()) {
            addDag(m, scalars, "dag/validation/", lastEval.objective(), lastEval.dag());
            scalars.put("validation/objective", lastEval.objective());
          }
          history.append(step, Split.VALIDATION, m);
          tb.scalars(step, scalars);
          progress.message(
              String.format(
                      "step %d: validation loss %.4f, accuracy %.3f,"
                          + " perplexity %.2f (unigram entropy %.4f)",
                      step, lastEval.loss(), lastEval.accuracy(), lastEval.perplexity(), entropy)
                  + (lastEval.dag().isEmpty()
                      ? ""
                      : "; " + ProgressFormat.dag(lastEval.objective(), lastEval.dag())));
        }
        if (chief
            && (end
                || (config.getCheckpointEvery() > 0 && step % config.getCheckpointEvery() == 0))) {
          // the snapshot is read now; its files are written while training goes on
          Optional<CheckpointWriter.Written> written =
              checkpoints.submit(
                  step,
                  checkpointWrite(
                      store,
                      config,
                      workers,
                      session,
                      data,
                      step,
                      batches.position(),
                      tokensSeen,
                      last.loss(),
                      lastEval != null && lastEvalStep == step ? lastEval.loss() : Double.NaN));
          lastCheckpoint = reported(written, lastCheckpoint, progress);
        }
      }
      lastCheckpoint = reported(checkpoints.await(), lastCheckpoint, progress);
      tb.flush();
      Path plot = out.resolve("loss.png");
      new LossPlot("pldr-train: " + out.getFileName())
          .withReference(new ReferenceLine("unigram entropy", entropy))
          .write(plot, LossCurves.fromHistory(history.entries(), "loss"));
      List<String> samples = chief ? sample(config, session, data) : List.of();
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      return new TrainingSummary(
          startStep,
          config.getSteps(),
          last == null ? Double.NaN : last.loss(),
          lastEval == null ? Double.NaN : lastEval.loss(),
          lastEval == null ? Double.NaN : lastEval.accuracy(),
          lastEval == null ? Double.NaN : lastEval.perplexity(),
          entropy,
          rate,
          seconds,
          lastCheckpoint,
          plot,
          samples);
    }
  }

  /**
   * A data-parallel step; a collective that fails (a worker gone, or too slow) ends the run with a
   * message naming the workers that no longer answer.
   */
  private static TrainingSession.StepResult replicaStep(
      TrainingSession session,
      DataParallel parallel,
      long[][][] shares,
      double[] weights,
      double lr,
      long step) {
    try {
      return session.replicaStep(shares, weights, lr);
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      List<Integer> lost = parallel.server().lost();
      String who =
          lost.isEmpty()
              ? "no worker answered within the collective timeout of "
                  + parallel.timeout().toSeconds()
                  + " s, though all still accept connections"
              : parallel.server().describe(lost) + " lost (its address refuses connections)";
      throw new WorkerLostException(
          "task "
              + parallel.task()
              + ": step "
              + step
              + " failed: "
              + who
              + "; every worker stops. Restart all workers with --resume to continue from the"
              + " chief's last checkpoint. (TensorFlow: "
              + e.getMessage()
                  .lines()
                  .filter(l -> !l.isBlank() && !l.startsWith("From "))
                  .findFirst()
                  .orElse(e.getMessage())
              + ")",
          e);
    }
  }

  /** A worker's rows of a global micro-batch and its loss weight. */
  record Share(long[][] rows, double lossWeight) {
    /**
     * Rows {@code [task·b, (task+1)·b)} of {@code global} (b = rows ÷ workers), weighted by workers
     * × its targets ÷ the global batch's targets (targets that are not padding), so that the mean
     * of the workers' weighted losses is the global batch's loss.
     */
    static Share of(long[][] global, int task, int workers, long pad) {
      int b = global.length / workers;
      long[][] rows = java.util.Arrays.copyOfRange(global, task * b, (task + 1) * b);
      long all = targets(global, pad);
      return new Share(rows, all == 0 ? 1.0 : (double) workers * targets(rows, pad) / all);
    }

    private static long targets(long[][] rows, long pad) {
      long n = 0;
      for (long[] r : rows) {
        for (int j = 1; j < r.length; j++) {
          if (r[j] != pad) {
            n++;
          }
        }
      }
      return n;
    }
  }

  /**
   * Validation loss (mean cross-entropy per target), accuracy, perplexity = exp(loss), and the
   * objective and DAG terms, each weighted by counted targets (so objective = loss + Σ c·dag).
   */
  private record Validation(
      double loss, double accuracy, double perplexity, double objective, Map<String, Double> dag) {}

  /**
   * The validation batches' metrics over all counted targets, accumulated with the metrics
   * evaluation uses ({@code pldr-eval}). In a data-parallel run each worker evaluates its rows of
   * every batch ({@link #shareOf}) and the sums are added up over the workers: a worker's forward
   * pass holds about {@code batch_size} rows, as in training (not the global batch), the work is
   * split, and every worker gets the global figures.
   */
  private static Validation validate(
      TrainingData data, TrainingSession session, Optional<DataParallel> parallel) {
    int workers = parallel.map(DataParallel::workers).orElse(1);
    int task = parallel.map(DataParallel::task).orElse(0);
    List<String> names = List.copyOf(session.graph().dagTerms().keySet());
    // negative log-likelihood, correct, targets, objective × targets, each DAG term × targets
    double[] sums = new double[4 + names.size()];
    for (long[][] batch : data.validationBatches()) {
      long[][] rows = shareOf(batch, task, workers);
      if (rows.length == 0) {
        continue;
      }
      TrainingSession.EvalResult r = session.evaluate(rows);
      if (r.targets() > 0) {
        sums[0] += r.loss() * r.targets();
        sums[1] += Math.max(0, Math.min(r.targets(), r.accuracy() * r.targets()));
        sums[2] += r.targets();
        sums[3] += r.objective() * r.targets();
        for (int i = 0; i < names.size(); i++) {
          sums[4 + i] += r.dag().get(names.get(i)) * r.targets();
        }
      }
    }
    if (workers > 1) {
      sums = session.sumOverWorkers(sums);
    }
    long n = Math.round(sums[2]);
    Accuracy accuracy = new Accuracy("accuracy");
    Perplexity perplexity = new Perplexity("perplexity");
    if (n > 0) {
      accuracy.update(new Accuracy.Count(sums[1], n));
      perplexity.update(new Perplexity.LogLikelihood(-sums[0], n));
    }
    long count = Math.max(n, 1);
    Map<String, Double> dag = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      dag.put(names.get(i), sums[4 + i] / count);
    }
    return new Validation(
        perplexity.meanNegativeLogLikelihood(),
        accuracy.result(),
        perplexity.result(),
        sums[3] / count,
        dag);
  }

  /**
   * Worker {@code task}'s rows of a validation batch: a contiguous {@code 1/workers} of them, the
   * shares as equal as the row count allows (a batch of fewer rows than workers leaves some empty).
   */
  static long[][] shareOf(long[][] batch, int task, int workers) {
    int from = (int) ((long) task * batch.length / workers);
    int to = (int) ((long) (task + 1) * batch.length / workers);
    return java.util.Arrays.copyOfRange(batch, from, to);
  }

  /**
   * Adds the DAG terms to a metrics entry ({@code objective}, {@code dag_A}, ...) and to the
   * TensorBoard scalars ({@code tagPrefix + "A"}, ...).
   */
  private static void addDag(
      Map<String, Double> metrics,
      Map<String, Double> scalars,
      String tagPrefix,
      double objective,
      Map<String, Double> dag) {
    metrics.put("objective", objective);
    dag.forEach(
        (name, v) -> {
          metrics.put("dag_" + name, v);
          scalars.put(tagPrefix + name, v);
        });
  }

  /** Reports a finished checkpoint write, if any; returns the newest written folder. */
  private static Path reported(
      Optional<CheckpointWriter.Written> written, Path newest, ProgressReporter progress) {
    if (written.isEmpty()) {
      return newest;
    }
    progress.message("checkpoint " + written.get().folder());
    return written.get().folder();
  }

  /**
   * The checkpoint of {@code step}: its state and a snapshot of the weights and the optimiser
   * state, read from the session now; the write of the folder, for {@link CheckpointWriter}.
   */
  private static CheckpointWriter.Write checkpointWrite(
      CheckpointStore store,
      TrainConfig config,
      int workers,
      TrainingSession session,
      TrainingData data,
      long step,
      DataPosition position,
      long tokensSeen,
      double trainLoss,
      double validationLoss) {
    CheckpointState state =
        CheckpointState.newBuilder()
            .setStep(step)
            .setDataPosition(
                io.pldr.api.checkpoint.DataPosition.newBuilder()
                    .setEpoch(position.epoch())
                    .setIndex(position.index()))
            .setConfig(config)
            .setTrainLoss(trainLoss)
            .setValidationLoss(validationLoss)
            .setTokensSeen(tokensSeen)
            .setWorkers(workers)
            .setCreated(Instant.now().toString())
            .build();
    Map<String, HostTensor> model = session.parameters();
    Map<String, HostTensor> optimizer = session.optimizerState();
    Path tokenizer = data.tokenizerFile();
    return () -> store.write(state, model, optimizer, tokenizer);
  }

  private List<String> sample(TrainConfig config, TrainingSession session, TrainingData data) {
    int lines = config.getSample().getLines();
    List<String> out = new ArrayList<>();
    if (lines == 0) {
      return out;
    }
    ModelConfig model = config.getModel();
    try (CachedDecoder decoder = new CachedDecoder(components.spec(model))) {
      decoder.load(session.parameters());
      Generator generator = new Generator(decoder, data.tokenizer());
      for (int i = 0; i < lines; i++) {
        String prompt =
            i < config.getSample().getPromptsCount() ? config.getSample().getPrompts(i) : "";
        SamplingConfig sampling =
            new SamplingConfig(
                config.getSample().getTemperature(),
                40,
                1.0,
                config.getSeed() + i,
                config.getSample().getMaxNewTokens(),
                List.of());
        out.add(prompt + generator.generate(prompt, sampling, CacheMode.KV_G, piece -> {}).text());
      }
    }
    return out;
  }

  private static TrainingGraph.Clip clip(OptimizerConfig o) {
    return switch (o.getClipCase()) {
      case CLIP_VALUE -> new TrainingGraph.Clip.ByValue(o.getClipValue());
      case CLIP_GLOBAL_NORM -> new TrainingGraph.Clip.ByGlobalNorm(o.getClipGlobalNorm());
      default -> new TrainingGraph.Clip.None();
    };
  }

  private static AdamW.Settings adam(OptimizerConfig o) {
    return new AdamW.Settings(o.getBeta1(), o.getBeta2(), o.getEpsilon(), o.getWeightDecay());
  }
}
