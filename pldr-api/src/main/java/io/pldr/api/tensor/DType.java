package io.pldr.api.tensor;

/** Element type of a tensor. */
public enum DType {
  FLOAT32(4, true),
  FLOAT64(8, true),
  INT32(4, false),
  INT64(8, false);

  private final int byteSize;
  private final boolean floating;

  DType(int byteSize, boolean floating) {
    this.byteSize = byteSize;
    this.floating = floating;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Whether this is a floating-point type. */
  public boolean isFloating() {
    return floating;
  }
}
