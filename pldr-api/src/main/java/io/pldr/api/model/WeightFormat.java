package io.pldr.api.model;

/**
 * How an inference graph stores the matrices of a trained float32 model: as trained, in bfloat16,
 * or as int8 with one float32 scale per output channel (per row of the embedding). Layer norms,
 * biases and the tensor operator's own parameters stay in float32 in every format; checkpoints are
 * always float32, and the reduced formats are computed from them when a model is loaded.
 */
public enum WeightFormat {
  /** The model's own type (float32 or float64), as trained. */
  FLOAT32("float32"),
  /** bfloat16 matrices; products in bfloat16 with float32 accumulation. */
  BFLOAT16("bfloat16"),
  /**
   * int8 matrices, symmetric, one scale per output channel; each product quantizes its input to
   * int8 with one scale per call (the largest magnitude of that input).
   */
  INT8("int8");

  private final String id;

  WeightFormat(String id) {
    this.id = id;
  }

  /** The name on the command line and in benchmarks. */
  public String id() {
    return id;
  }

  /** Whether the matrices are stored in fewer bits than the model's type. */
  public boolean reduced() {
    return this != FLOAT32;
  }

  /** The format with the given name; fails listing the accepted names. */
  public static WeightFormat fromId(String id) {
    for (WeightFormat f : values()) {
      if (f.id.equals(id)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown weight format '" + id + "': expected one of float32, bfloat16, int8");
  }
}
