package io.pldr.train.loop;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.OptimizerConfig;
import io.pldr.api.config.TrainConfig;
import io.pldr.cache.CachedDecoder;
import io.pldr.cache.generate.Generator;
import io.pldr.cache.generate.SamplingConfig;
import io.pldr.eval.metric.Accuracy;
import io.pldr.eval.metric.Perplexity;
import io.pldr.tf.checkpoint.Checkpoint;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.inject.Components;
import io.pldr.train.data.BatchIterator;
import io.pldr.train.data.DataPosition;
import io.pldr.train.data.TrainingData;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
   * Trains. With {@code resume}, continues from the newest checkpoint in {@code out_dir} (whose
   * configuration then governs the run); without it, refuses an {@code out_dir} that already holds
   * checkpoints. {@code cacheDir} keeps trained tokenizers and encoded corpora.
   */
  public TrainingSummary run(TrainConfig requested, boolean resume, Path cacheDir)
      throws IOException {
    long started = System.nanoTime();
    Path out = Path.of(requested.getOutDir());
    CheckpointStore store =
        new CheckpointStore(out.resolve("checkpoints"), requested.getKeepCheckpoints());
    Checkpoint checkpoint = null;
    TrainConfig config = requested;
    if (resume) {
      Path latest =
          store
              .latest()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--resume: no checkpoint in " + store.root() + " to resume from"));
      checkpoint = CheckpointStore.read(latest);
      config = ResumeCheck.merge(checkpoint.state().getConfig(), requested, latest);
      long at = checkpoint.state().getStep();
      if (at >= config.getSteps()) {
        throw new IllegalArgumentException(
            "--resume: "
                + latest
                + " is at step "
                + at
                + " and the run has "
                + config.getSteps()
                + " steps: nothing to train; pass --steps N with N above "
                + at
                + " to train further");
      }
      LOG.info("resuming from {} (step {})", latest, checkpoint.state().getStep());
    } else if (store.latest().isPresent()) {
      throw new IllegalArgumentException(
          "out_dir "
              + out
              + " already holds checkpoints ("
              + store.latest().get().getFileName()
              + "): pass --resume to continue that run, or"
              + " choose another out_dir");
    }
    Files.createDirectories(out);

    try (TrainingData data = TrainingData.prepare(config, cacheDir)) {
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
      TrainingGraph graph =
          new TrainingGraph(
              components.spec(model),
              clip(config.getOptimizer()),
              adam(config.getOptimizer()),
              config.getGradAccumulation(),
              DagCoefficients.of(config));
      try (TrainingSession session = new TrainingSession(graph)) {
        long step;
        DataPosition position;
        if (checkpoint != null) {
          session.load(checkpoint.model(), checkpoint.optimizer());
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
        return loop(
            config,
            data,
            session,
            store,
            step,
            position,
            checkpoint == null ? 0 : checkpoint.state().getTokensSeen(),
            out,
            started);
      }
    }
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
      long started)
      throws IOException {
    LearningRateSchedule schedule =
        new LearningRateSchedule(
            config.getOptimizer().getLearningRate(), config.getSchedule().getWarmupSteps(),
            config.getSchedule().getTotalSteps(), config.getSchedule().getAlpha());
    BatchIterator batches = data.trainBatches(startPosition);
    int k = config.getGradAccumulation();
    long tokensPerStep = (long) k * config.getBatchSize() * config.getSeqLen();
    double entropy = data.unigramEntropy().nats();
    TrainingSession.StepResult last = null;
    Validation lastEval = null;
    Path lastCheckpoint = store.latest().orElse(null);
    long lastCheckpointStep = startStep;
    long lastEvalStep = -1;
    double rate = 0;
    long timedTokens = 0;
    long timedNanos = 0;
    try (MetricsHistory history = MetricsHistory.resume(out, startStep);
        TensorBoardWriter tb = TensorBoardWriter.open(out.resolve("tensorboard"));
        ProgressReporter progress =
            ProgressReporters.forEnvironment("train", config.getLogEvery())) {
      if (startStep > 0) {
        tb.sessionStart(startStep + 1);
      }
      progress.start(config.getSteps(), startStep);
      for (long step = startStep + 1; step <= config.getSteps(); step++) {
        long[][][] micro = new long[k][][];
        for (int i = 0; i < k; i++) {
          micro[i] = batches.next();
        }
        double lr = schedule.at(step);
        long t0 = System.nanoTime();
        last = session.step(micro, lr);
        long dt = System.nanoTime() - t0;
        if (step > startStep + 1) {
          timedNanos += dt;
          timedTokens += tokensPerStep;
        }
        rate = timedNanos > 0 ? timedTokens / (timedNanos / 1e9) : tokensPerStep / (dt / 1e9);
        tokensSeen += tokensPerStep;
        if (!Double.isFinite(last.objective())) {
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
          lastEval = validate(data, session);
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
        if (end || (config.getCheckpointEvery() > 0 && step % config.getCheckpointEvery() == 0)) {
          lastCheckpoint =
              writeCheckpoint(
                  store,
                  config,
                  session,
                  data,
                  step,
                  batches.position(),
                  tokensSeen,
                  last.loss(),
                  lastEval != null && lastEvalStep == step ? lastEval.loss() : Double.NaN);
          lastCheckpointStep = step;
          progress.message("checkpoint " + lastCheckpoint);
        }
      }
      tb.flush();
      Path plot = out.resolve("loss.png");
      new LossPlot("pldr-train: " + out.getFileName())
          .withReference(new ReferenceLine("unigram entropy", entropy))
          .write(plot, LossCurves.fromHistory(history.entries(), "loss"));
      List<String> samples = sample(config, session, data);
      long seconds = (System.nanoTime() - started) / 1_000_000_000L;
      LOG.debug("last checkpoint at step {}", lastCheckpointStep);
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
   * Validation loss (mean cross-entropy per target), accuracy, perplexity = exp(loss), and the
   * objective and DAG terms, each weighted by counted targets (so objective = loss + Σ c·dag).
   */
  private record Validation(
      double loss, double accuracy, double perplexity, double objective, Map<String, Double> dag) {}

  /**
   * The validation batches' metrics over all counted targets, accumulated with the metrics
   * evaluation uses ({@code pldr-eval}).
   */
  private static Validation validate(TrainingData data, TrainingSession session) {
    Accuracy accuracy = new Accuracy("accuracy");
    Perplexity perplexity = new Perplexity("perplexity");
    double objective = 0;
    Map<String, Double> dag = new LinkedHashMap<>();
    long n = 0;
    for (long[][] batch : data.validationBatches()) {
      TrainingSession.EvalResult r = session.evaluate(batch);
      if (r.targets() > 0) {
        double correct = Math.max(0, Math.min(r.targets(), r.accuracy() * r.targets()));
        accuracy.update(new Accuracy.Count(correct, r.targets()));
        perplexity.update(Perplexity.LogLikelihood.ofMeanLoss(r.loss(), r.targets()));
        objective += r.objective() * r.targets();
        r.dag().forEach((name, v) -> dag.merge(name, v * r.targets(), Double::sum));
        n += r.targets();
      }
    }
    long count = Math.max(n, 1);
    dag.replaceAll((name, v) -> v / count);
    return new Validation(
        perplexity.meanNegativeLogLikelihood(),
        accuracy.result(),
        perplexity.result(),
        objective / count,
        dag);
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

  private static Path writeCheckpoint(
      CheckpointStore store,
      TrainConfig config,
      TrainingSession session,
      TrainingData data,
      long step,
      DataPosition position,
      long tokensSeen,
      double trainLoss,
      double validationLoss)
      throws IOException {
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
            .setCreated(Instant.now().toString())
            .build();
    return store.write(state, session.parameters(), session.optimizerState(), data.tokenizerFile());
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
