package io.pldr.api.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The sizes a memory estimate reads, as longs (the proto's uint32 fields unsigned), with saturating
 * arithmetic: a product beyond {@link Long#MAX_VALUE} is {@link Long#MAX_VALUE}. {@code batch},
 * {@code seqLen} and {@code accumulation} are 0 for a model alone.
 */
record ModelSizes(
    long layers,
    long dModel,
    long heads,
    long dff,
    long vocab,
    long aDff,
    long resUnits,
    long denseA,
    long maxSeqLen,
    long batch,
    long seqLen,
    long accumulation,
    long bytesPerValue) {

  /** Parts of the rotary table computed per position: q, k and v when packed (the most). */
  static final long ROTARY_PARTS = 3;

  /** The most elements a Java array (a host tensor, a rotary table) holds. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /**
   * A size the estimate reads, its configuration field and an ordinary value (the paper's model,
   * batch 16): the field to blame for a too large estimate is the one whose value, set back to its
   * ordinary one, brings the estimate down the most.
   */
  enum Field {
    NUM_LAYERS("num_layers", true, 5),
    D_MODEL("d_model", true, 896),
    NUM_HEADS("num_heads", true, 14),
    DFF("dff", true, 2389),
    VOCAB_SIZE("vocab_size", true, 32000),
    A_DFF("a_dff", true, 170),
    NUM_RESLAYER_A("num_reslayer_a", true, 8),
    NUM_DENSE_A("num_dense_a", true, 2),
    MAX_SEQ_LEN("max_seq_len", true, 1024),
    BATCH_SIZE("batch_size", false, 16),
    SEQ_LEN("seq_len", false, 1024);

    final String name;
    final boolean model;
    final long ordinary;

    Field(String name, boolean model, long ordinary) {
      this.name = name;
      this.model = model;
      this.ordinary = ordinary;
    }

    /** The field's path: a model field under {@code modelPrefix}. */
    String path(String modelPrefix) {
      return model ? modelPrefix + name : name;
    }
  }

  static ModelSizes of(ModelConfig c) {
    return new ModelSizes(
        u(c.getNumLayers()),
        u(c.getDModel()),
        u(c.getNumHeads()),
        u(c.getDff()),
        u(c.getVocabSize()),
        u(c.getADff()),
        u(c.getNumReslayerA()),
        u(c.getNumDenseA()),
        u(c.getMaxSeqLen()),
        0,
        0,
        0,
        c.getPrecision() == Precision.FLOAT64 ? 8 : 4);
  }

  ModelSizes training(long batch, long seqLen, long accumulation) {
    return new ModelSizes(
        layers,
        dModel,
        heads,
        dff,
        vocab,
        aDff,
        resUnits,
        denseA,
        maxSeqLen,
        batch,
        seqLen,
        accumulation,
        bytesPerValue);
  }

  long value(Field f) {
    return switch (f) {
      case NUM_LAYERS -> layers;
      case D_MODEL -> dModel;
      case NUM_HEADS -> heads;
      case DFF -> dff;
      case VOCAB_SIZE -> vocab;
      case A_DFF -> aDff;
      case NUM_RESLAYER_A -> resUnits;
      case NUM_DENSE_A -> denseA;
      case MAX_SEQ_LEN -> maxSeqLen;
      case BATCH_SIZE -> batch;
      case SEQ_LEN -> seqLen;
    };
  }

  ModelSizes with(Field f, long v) {
    return new ModelSizes(
        f == Field.NUM_LAYERS ? v : layers,
        f == Field.D_MODEL ? v : dModel,
        f == Field.NUM_HEADS ? v : heads,
        f == Field.DFF ? v : dff,
        f == Field.VOCAB_SIZE ? v : vocab,
        f == Field.A_DFF ? v : aDff,
        f == Field.NUM_RESLAYER_A ? v : resUnits,
        f == Field.NUM_DENSE_A ? v : denseA,
        f == Field.MAX_SEQ_LEN ? v : maxSeqLen,
        f == Field.BATCH_SIZE ? v : batch,
        f == Field.SEQ_LEN ? v : seqLen,
        accumulation,
        bytesPerValue);
  }

  /**
   * The field whose value, set back to its ordinary one, lowers {@code measure} the most; {@code
   * fallback} when none is above its ordinary value or none lowers it.
   */
  Field blame(ToLongFunction<ModelSizes> measure, Field fallback) {
    long now = measure.applyAsLong(this);
    Field best = fallback;
    long lowest = now;
    for (Field f : Field.values()) {
      if (value(f) > f.ordinary) {
        long m = measure.applyAsLong(with(f, f.ordinary));
        if (m < lowest) {
          lowest = m;
          best = f;
        }
      }
    }
    return best;
  }

  /** Head depth d = d_model / num_heads. */
  long depth() {
    return heads == 0 ? 0 : dModel / heads;
  }

  /**
   * Parameters: embedding and final layer {@code 2·V·D + V}, embedding norm {@code 2D}, and per
   * layer q, k, v and the output map {@code 4(D² + D)}, the GLU {@code 3·D·F + 2F + D}, two norms
   * {@code 4D}, and the learned operator (the most any built-in one has): its norm {@code 2d}, W,
   * b, pw, a, b_a {@code 5·H·d²} and the metric learner {@code R·(K·(3·d·A + 2A + d) + 2d)}.
   */
  long parameters() {
    long d = depth();
    long dd = mul(dModel, dModel);
    long layer =
        sum(
            mul(4, add(dd, dModel)),
            mul(3, dModel, dff),
            mul(2, dff),
            dModel,
            mul(4, dModel),
            mul(2, d),
            mul(5, heads, d, d),
            mul(resUnits, add(mul(denseA, sum(mul(3, d, aDff), mul(2, aDff), d)), mul(2, d))));
    return sum(mul(2, vocab, dModel), vocab, mul(2, dModel), mul(layers, layer));
  }

  /** Rotary tables: cos and sin, {@code max_seq_len × 3 × d} each. */
  long rotaryElements() {
    return mul(2, maxSeqLen, ROTARY_PARTS, depth());
  }

  /**
   * Activations a training step keeps for its backward pass, per micro-batch of B sequences of T
   * tokens: per layer {@code B·T·(10·D + 4·F)} for rows (x, q, k, v, rotated q and k, attention
   * output, output map, two norms; the GLU's two projections, gate and product), {@code 3·B·H·T²}
   * for attention logits, masked logits and weights, {@code B·H·d·(12·d + 4·R·K·A)} for the metric
   * tensor and the learned operator's; then {@code B·T·(2·V + 2·D)} for logits, their softmax and
   * the last rows.
   */
  long activationElements() {
    long d = depth();
    long bt = mul(batch, seqLen);
    long layer =
        sum(
            mul(bt, add(mul(10, dModel), mul(4, dff))),
            mul(3, batch, heads, mul(seqLen, seqLen)),
            mul(batch, heads, d, add(mul(12, d), mul(4, resUnits, denseA, aDff))));
    return add(mul(layers, layer), mul(bt, add(mul(2, vocab), mul(2, dModel))));
  }

  MemoryEstimate inference() {
    long params = parameters();
    List<MemoryEstimate.Part> parts = new ArrayList<>();
    long paramBytes = mul(params, bytesPerValue);
    long rotaryHeap = mul(rotaryElements(), 8);
    parts.add(new MemoryEstimate.Part("parameters", paramBytes));
    parts.add(new MemoryEstimate.Part("their copy in the Java heap while loading", paramBytes));
    parts.add(
        new MemoryEstimate.Part(
            "KV-cache of one max_seq_len sequence",
            mul(2, layers, maxSeqLen, dModel, bytesPerValue)));
    parts.add(
        new MemoryEstimate.Part(
            "rotary tables", add(mul(rotaryElements(), bytesPerValue), rotaryHeap)));
    return new MemoryEstimate(params, parts, add(paramBytes, rotaryHeap));
  }

  MemoryEstimate training() {
    long params = parameters();
    long paramBytes = mul(params, bytesPerValue);
    long rotaryHeap = mul(rotaryElements(), 8);
    List<MemoryEstimate.Part> parts = new ArrayList<>();
    parts.add(new MemoryEstimate.Part("parameters", paramBytes));
    parts.add(new MemoryEstimate.Part("gradients", mul(accumulation > 1 ? 2 : 1, paramBytes)));
    parts.add(new MemoryEstimate.Part("AdamW state", mul(2, paramBytes)));
    parts.add(
        new MemoryEstimate.Part(
            "activations of " + batch + " × " + seqLen + " tokens",
            mul(activationElements(), bytesPerValue)));
    // a checkpoint reads parameters and both moments into the heap
    parts.add(new MemoryEstimate.Part("checkpoint copies in the Java heap", mul(3, paramBytes)));
    parts.add(
        new MemoryEstimate.Part(
            "rotary tables", add(mul(rotaryElements(), bytesPerValue), rotaryHeap)));
    return new MemoryEstimate(params, parts, add(mul(3, paramBytes), rotaryHeap));
  }

  /** A single tensor held in a Java array, and the fields its elements depend on. */
  record Tensor(String name, ToLongFunction<ModelSizes> elements, Field fallback) {}

  /** The tensors that pass through Java arrays (host tensors, rotary tables). */
  static List<Tensor> javaArrays() {
    return List.of(
        new Tensor(
            "the embedding (vocab_size × d_model)", s -> mul(s.vocab, s.dModel), Field.VOCAB_SIZE),
        new Tensor(
            "each attention map (d_model × d_model)", s -> mul(s.dModel, s.dModel), Field.D_MODEL),
        new Tensor("each feed-forward map (d_model × dff)", s -> mul(s.dModel, s.dff), Field.DFF),
        new Tensor(
            "each operator tensor (num_heads × d × d)",
            s -> mul(s.heads, s.depth(), s.depth()),
            Field.D_MODEL),
        new Tensor("each metric learner map (d × a_dff)", s -> mul(s.depth(), s.aDff), Field.A_DFF),
        new Tensor(
            "each rotary table (max_seq_len × 3 × d)",
            s -> mul(s.maxSeqLen, ROTARY_PARTS, s.depth()),
            Field.MAX_SEQ_LEN));
  }

  static long u(int uint32) {
    return Integer.toUnsignedLong(uint32);
  }

  static long mul(long... factors) {
    long p = 1;
    for (long f : factors) {
      if (f == 0) {
        return 0;
      }
    }
    for (long f : factors) {
      try {
        p = Math.multiplyExact(p, f);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
    return p;
  }

  static long add(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  static long sum(long... terms) {
    long s = 0;
    for (long t : terms) {
      s = add(s, t);
    }
    return s;
  }
}
