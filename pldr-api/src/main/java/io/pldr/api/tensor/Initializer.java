package io.pldr.api.tensor;

/**
 * How a trainable parameter starts. Fan-in and fan-out follow PyTorch's rules (dimension 1 and
 * dimension 0, times the product of the remaining dimensions), as the reference does.
 */
public sealed interface Initializer {
  /** All zeros (the reference's biases). */
  record Zeros() implements Initializer {}

  /** All ones (layer-norm scales). */
  record Ones() implements Initializer {}

  /** Uniform in ±sqrt(6 / (fan_in + fan_out)) (the reference's linear weights). */
  record XavierUniform() implements Initializer {}

  /** Normal with std sqrt(2 / (fan_in + fan_out)) (the reference's W, pw and a). */
  record XavierNormal() implements Initializer {}

  /** Normal with the given mean and standard deviation. */
  record Normal(double mean, double std) implements Initializer {}

  static Initializer zeros() {
    return new Zeros();
  }

  static Initializer ones() {
    return new Ones();
  }

  static Initializer xavierUniform() {
    return new XavierUniform();
  }

  static Initializer xavierNormal() {
    return new XavierNormal();
  }
}
