package io.pldr.api.config;

import com.google.protobuf.TextFormat;
import io.pldr.api.io.IoErrors;
import io.pldr.api.io.StrictText;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads, validates and completes {@link ModelConfig}s written in Protocol Buffers text format.
 * Unknown fields and impossible values fail with a {@link ConfigException} naming the field.
 */
public final class ModelConfigs {
  /** The operator used when a configuration names none: PLGA's learned deep net. */
  public static final String DEFAULT_OPERATOR = "learned";

  /** The attention variant used when a configuration names none. */
  public static final String DEFAULT_ATTENTION = "power_law_graph";

  /** The base of the rotary frequencies when {@code rope_theta} is unset: the reference's. */
  public static final double DEFAULT_ROPE_THETA = 10000.0;

  private ModelConfigs() {}

  /** Reads and validates a text-format file. */
  public static ModelConfig read(Path file) {
    String text;
    try {
      text = StrictText.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read: " + IoErrors.reason(e), e);
    }
    return parse(text, file.toString());
  }

  /** Parses and validates text format; {@code source} names it in errors. */
  public static ModelConfig parse(String text, String source) {
    ModelConfig.Builder b = ModelConfig.newBuilder();
    try {
      TextFormat.getParser().merge(text, b);
    } catch (TextFormat.ParseException e) {
      throw new ConfigException(source, "not a valid ModelConfig: " + e.getMessage(), e);
    }
    return validate(b.build(), source);
  }

  /**
   * Checks every field and fills the defaults (operator, attention, token ids, precision). Sizes
   * this machine cannot hold fail too ({@link SizeChecks#checkModel}).
   */
  public static ModelConfig validate(ModelConfig c, String source) {
    return validate(c, source, "");
  }

  /**
   * As {@link #validate(ModelConfig, String)} for a configuration nested in another one, whose
   * fields errors name with {@code prefix} (for example {@code "model."}).
   */
  public static ModelConfig validate(ModelConfig c, String source, String prefix) {
    return validate(c, source, prefix, MachineMemory.current());
  }

  /**
   * As {@link #validate(ModelConfig, String, String)}, sizes checked against {@code machine}'s
   * memory.
   */
  public static ModelConfig validate(
      ModelConfig c, String source, String prefix, MachineMemory machine) {
    positive(source, prefix + "num_layers", c.getNumLayers());
    positive(source, prefix + "d_model", c.getDModel());
    positive(source, prefix + "num_heads", c.getNumHeads());
    positive(source, prefix + "dff", c.getDff());
    positive(source, prefix + "vocab_size", c.getVocabSize());
    positive(source, prefix + "max_seq_len", c.getMaxSeqLen());
    if (c.getDModel() % c.getNumHeads() != 0) {
      throw new ConfigException(
          source,
          prefix + "num_heads",
          "must divide d_model=" + c.getDModel() + ", found num_heads=" + c.getNumHeads());
    }
    int depth = c.getDModel() / c.getNumHeads();
    if (depth % 2 != 0) {
      throw new ConfigException(
          source,
          prefix + "d_model",
          "d_model / num_heads must be even for the" + " rotary embedding, found depth " + depth);
    }
    if (c.getRotaryLayout() == RotaryLayout.UNRECOGNIZED) {
      throw new ConfigException(
          source,
          prefix + "rotary_layout",
          "must be INTERLEAVED or HALF, found " + c.getRotaryLayoutValue());
    }
    double theta = c.getRopeTheta();
    if (theta != 0 && !(Double.isFinite(theta) && theta > 1)) {
      throw new ConfigException(
          source,
          prefix + "rope_theta",
          "must be a finite number greater than 1 (or unset: 10000), found " + theta);
    }
    ModelConfig.Builder b = c.toBuilder();
    if (b.getPrecision() == Precision.PRECISION_UNSPECIFIED) {
      b.setPrecision(Precision.FLOAT32);
    }
    if (b.getTensorOperator().getName().isEmpty()) {
      b.getTensorOperatorBuilder().setName(DEFAULT_OPERATOR);
    }
    if (b.getAttention().isEmpty()) {
      b.setAttention(DEFAULT_ATTENTION);
    }
    TokenIds.Builder ids = b.getTokenIdsBuilder();
    if (!ids.hasPad()) {
      ids.setPad(0);
    }
    if (!ids.hasBos()) {
      ids.setBos(2);
    }
    if (!ids.hasEos()) {
      ids.setEos(3);
    }
    tokenId(source, prefix + "token_ids.pad", ids.getPad(), c.getVocabSize());
    tokenId(source, prefix + "token_ids.bos", ids.getBos(), c.getVocabSize());
    tokenId(source, prefix + "token_ids.eos", ids.getEos(), c.getVocabSize());
    ModelConfig valid = b.build();
    SizeChecks.checkModel(valid, source, prefix, machine);
    return valid;
  }

  /** The text format of a configuration, as a person would edit it. */
  public static String toText(ModelConfig c) {
    return TextFormat.printer().printToString(c);
  }

  /** Head depth d = d_model / num_heads. */
  public static int depth(ModelConfig c) {
    return c.getDModel() / c.getNumHeads();
  }

  /** The rotary layout: {@code rotary_layout}, {@link RotaryLayout#INTERLEAVED} when unset. */
  public static RotaryLayout rotaryLayout(ModelConfig c) {
    return c.getRotaryLayout() == RotaryLayout.ROTARY_LAYOUT_UNSPECIFIED
        ? RotaryLayout.INTERLEAVED
        : c.getRotaryLayout();
  }

  /** The base of the rotary frequencies: {@code rope_theta}, 10000 when unset. */
  public static double ropeTheta(ModelConfig c) {
    return c.getRopeTheta() == 0 ? DEFAULT_ROPE_THETA : c.getRopeTheta();
  }

  private static void positive(String source, String field, int value) {
    if (value == 0) {
      throw new ConfigException(source, field, "must be a positive integer, found 0");
    }
    if (value < 0) { // a uint32 of 2^31 or more
      throw new ConfigException(
          source,
          field,
          "must be a positive integer below 2^31, found " + Integer.toUnsignedString(value));
    }
  }

  private static void tokenId(String source, String field, int id, int vocab) {
    if (id >= vocab) {
      throw new ConfigException(
          source, field, "must be below vocab_size=" + vocab + ", found " + id);
    }
  }
}
