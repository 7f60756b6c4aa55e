package io.pldr.train.config;

import com.google.protobuf.TextFormat;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.DataConfig;
import io.pldr.api.config.MachineMemory;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.OptimizerConfig;
import io.pldr.api.config.SampleConfig;
import io.pldr.api.config.ScheduleConfig;
import io.pldr.api.config.SizeChecks;
import io.pldr.api.config.TokenizerConfig;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.config.TrainPrecision;
import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads and validates {@link TrainConfig}s in text format. Unknown fields and impossible values
 * (heads not dividing d_model, a negative learning rate, warm-up longer than the run, ...) fail
 * with a {@link ConfigException} naming the file and the field; defaults are filled in, so a
 * validated configuration says everything the run does.
 */
public final class TrainConfigs {
  /** The embedded corpus used when no training file is named. */
  public static final String DEFAULT_CORPUS = "moby-dick";

  private TrainConfigs() {}

  /** Reads and validates a text-format file. */
  public static TrainConfig read(Path file) {
    return read(file, b -> {});
  }

  /**
   * Reads a text-format file, applies {@code overrides} (command-line options, say), then
   * validates, so that defaults follow the overridden values.
   */
  public static TrainConfig read(
      Path file, java.util.function.Consumer<TrainConfig.Builder> overrides) {
    return read(file, List.of(), "", overrides);
  }

  /**
   * Reads a text-format file, applies {@code settings} ({@code field.path=value} each, in order, as
   * {@link ConfigOverrides} reads them: errors name {@code settingsSource}, e.g. {@code --set}),
   * then {@code changes}, then validates; validation errors name the file and the settings.
   */
  public static TrainConfig read(
      Path file,
      List<String> settings,
      String settingsSource,
      java.util.function.Consumer<TrainConfig.Builder> changes) {
    String text;
    try {
      text = StrictText.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read: " + IoErrors.reason(e), e);
    }
    TrainConfig.Builder b = builder(text, file.toString());
    for (String setting : settings) {
      ConfigOverrides.apply(b, setting, settingsSource, "");
    }
    changes.accept(b);
    String source =
        settings.isEmpty()
            ? file.toString()
            : file
                + " with "
                + settings.stream()
                    .map(o -> settingsSource + " " + o)
                    .collect(Collectors.joining(" "));
    return validate(b.build(), source);
  }

  /** Parses and validates text format; {@code source} names it in errors. */
  public static TrainConfig parse(String text, String source) {
    return validate(builder(text, source).build(), source);
  }

  /**
   * Parses text format without validating, for callers that change fields before {@link #validate};
   * {@code source} names it in errors.
   */
  public static TrainConfig.Builder builder(String text, String source) {
    TrainConfig.Builder b = TrainConfig.newBuilder();
    try {
      TextFormat.getParser().merge(text, b);
    } catch (TextFormat.ParseException e) {
      throw new ConfigException(source, "not a valid TrainConfig: " + e.getMessage(), e);
    }
    return b;
  }

  /** The text format of a configuration. */
  public static String toText(TrainConfig c) {
    return TextFormat.printer().printToString(c);
  }

  /**
   * Checks every field and fills the defaults. Sizes this machine cannot hold fail too, before any
   * data is read or graph built ({@link SizeChecks#checkTraining}).
   */
  public static TrainConfig validate(TrainConfig c, String source) {
    return validate(c, source, MachineMemory.current());
  }

  /** As {@link #validate(TrainConfig, String)}, sizes checked against {@code machine}'s memory. */
  public static TrainConfig validate(TrainConfig c, String source, MachineMemory machine) {
    if (!c.hasModel()) {
      throw new ConfigException(source, "model", "missing: the model to train");
    }
    ModelConfig model = ModelConfigs.validate(c.getModel(), source, "model.", machine);
    TrainConfig.Builder b = c.toBuilder().setModel(model);
    positive(source, "batch_size", c.getBatchSize());
    positive(source, "seq_len", c.getSeqLen());
    if (c.getSeqLen() > model.getMaxSeqLen()) {
      throw new ConfigException(
          source,
          "seq_len",
          "must be at most model.max_seq_len=" + model.getMaxSeqLen() + ", found " + c.getSeqLen());
    }
    if (c.getSteps() <= 0) {
      throw new ConfigException(
          source, "steps", "must be a positive integer, found " + c.getSteps());
    }
    if (b.getGradAccumulation() == 0) {
      b.setGradAccumulation(1);
    }
    SizeChecks.checkTraining(
        model, c.getBatchSize(), c.getSeqLen(), b.getGradAccumulation(), source, "model.", machine);
    if (b.getKeepCheckpoints() == 0) {
      b.setKeepCheckpoints(3);
    }
    if (b.getLogEvery() == 0) {
      b.setLogEvery(10);
    }
    if (b.getOutDir().isEmpty()) {
      throw new ConfigException(source, "out_dir", "missing: the folder for checkpoints and logs");
    }

    OptimizerConfig.Builder o = b.getOptimizerBuilder();
    if (!(o.getLearningRate() > 0) || !Double.isFinite(o.getLearningRate())) {
      throw new ConfigException(
          source,
          "optimizer.learning_rate",
          "must be a positive number, found " + o.getLearningRate());
    }
    if (!o.hasBeta1()) {
      o.setBeta1(0.9);
    }
    if (!o.hasBeta2()) {
      o.setBeta2(0.95);
    }
    if (!o.hasEpsilon()) {
      o.setEpsilon(1e-5);
    }
    if (!o.hasWeightDecay()) {
      o.setWeightDecay(0.1);
    }
    inUnitInterval(source, "optimizer.beta1", o.getBeta1());
    inUnitInterval(source, "optimizer.beta2", o.getBeta2());
    if (!(o.getEpsilon() > 0)) {
      throw new ConfigException(
          source, "optimizer.epsilon", "must be positive, found " + o.getEpsilon());
    }
    if (!(o.getWeightDecay() >= 0)) {
      throw new ConfigException(
          source,
          "optimizer.weight_decay",
          "must be zero or positive, found " + o.getWeightDecay());
    }
    if (o.getClipCase() == OptimizerConfig.ClipCase.CLIP_VALUE && !(o.getClipValue() > 0)) {
      throw new ConfigException(
          source, "optimizer.clip_value", "must be positive, found " + o.getClipValue());
    }
    if (o.getClipCase() == OptimizerConfig.ClipCase.CLIP_GLOBAL_NORM
        && !(o.getClipGlobalNorm() > 0)) {
      throw new ConfigException(
          source, "optimizer.clip_global_norm", "must be positive, found " + o.getClipGlobalNorm());
    }

    ScheduleConfig.Builder s = b.getScheduleBuilder();
    if (s.getTotalSteps() == 0) {
      s.setTotalSteps(c.getSteps());
    }
    if (s.getWarmupSteps() > s.getTotalSteps()) {
      throw new ConfigException(
          source,
          "schedule.warmup_steps",
          "must not exceed the run's "
              + "steps="
              + s.getTotalSteps()
              + ", found "
              + s.getWarmupSteps());
    }
    if (!s.hasAlpha()) {
      s.setAlpha(0.1);
    }
    if (!(s.getAlpha() >= 0 && s.getAlpha() <= 1)) {
      throw new ConfigException(
          source, "schedule.alpha", "must be in [0, 1], found " + s.getAlpha());
    }

    DataConfig.Builder d = b.getDataBuilder();
    if (d.getTrainFilesCount() == 0 && d.getEmbeddedCorpus().isEmpty()) {
      d.setEmbeddedCorpus(DEFAULT_CORPUS);
    }
    if (d.getJsonlField().isEmpty()) {
      d.setJsonlField("text");
    }
    if (!d.hasValidationFraction()) {
      d.setValidationFraction(0.05);
    }
    if (!(d.getValidationFraction() > 0 && d.getValidationFraction() < 1)) {
      throw new ConfigException(
          source,
          "data.validation_fraction",
          "must be in (0, 1), found " + d.getValidationFraction());
    }
    TokenizerConfig.Builder t = d.getTokenizerBuilder();
    if (t.getPath().isEmpty()) {
      if (t.getVocabSize() == 0) {
        t.setVocabSize(model.getVocabSize());
      }
      if (t.getVocabSize() != model.getVocabSize()) {
        throw new ConfigException(
            source,
            "data.tokenizer.vocab_size",
            "must equal model.vocab_size=" + model.getVocabSize() + ", found " + t.getVocabSize());
      }
      if (t.getVocabSize() < 260 + 1) {
        throw new ConfigException(
            source,
            "data.tokenizer.vocab_size",
            "a byte-level BPE "
                + "vocabulary needs more than 260 ids (4 special + 256 bytes), found "
                + t.getVocabSize());
      }
      if (t.getMinFrequency() == 0) {
        t.setMinFrequency(2);
      }
    }

    SampleConfig.Builder sample = b.getSampleBuilder();
    if (!sample.hasTemperature()) {
      sample.setTemperature(0.8);
    }
    if (!(sample.getTemperature() > 0)) {
      throw new ConfigException(
          source, "sample.temperature", "must be positive, found " + sample.getTemperature());
    }
    if (sample.getLines() > 0 && sample.getMaxNewTokens() == 0) {
      sample.setMaxNewTokens(48);
    }
    if (c.hasDag()) {
      coefficient(source, "dag.c_a", c.getDag().getCA());
      coefficient(source, "dag.c_p", c.getDag().getCP());
      coefficient(source, "dag.c_g", c.getDag().getCG());
    }
    if (c.getPrecision() == TrainPrecision.UNRECOGNIZED) {
      throw new ConfigException(
          source,
          "precision",
          "expected MODEL_DTYPE or BF16_MIXED, found " + c.getPrecisionValue());
    }
    if (c.getPrecision() == TrainPrecision.BF16_MIXED
        && model.getPrecision() == io.pldr.api.config.Precision.FLOAT64) {
      throw new ConfigException(
          source,
          "precision",
          "BF16_MIXED keeps float32 master weights and needs a float32 model, but"
              + " model.precision is FLOAT64; set model.precision to FLOAT32 or precision to"
              + " MODEL_DTYPE");
    }
    return b.build();
  }

  private static void positive(String source, String field, int uint32) {
    long value = Integer.toUnsignedLong(uint32);
    if (value == 0 || value > Integer.MAX_VALUE) {
      throw new ConfigException(
          source, field, "must be a positive integer below 2^31, found " + value);
    }
  }

  private static void coefficient(String source, String field, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new ConfigException(
          source,
          field,
          "expected a finite number ≥ 0 (0 leaves the term out of the loss), found " + v);
    }
  }

  private static void inUnitInterval(String source, String field, double v) {
    if (!(v >= 0 && v < 1)) {
      throw new ConfigException(source, field, "must be in [0, 1), found " + v);
    }
  }
}
