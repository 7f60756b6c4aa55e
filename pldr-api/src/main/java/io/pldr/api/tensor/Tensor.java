package io.pldr.api.tensor;

/**
 * A symbolic tensor produced by a {@link TensorOps}: a node of the computation that a backend runs
 * later, with gradients flowing through it. Only the {@code TensorOps} that made it may consume it.
 */
public interface Tensor {
  /** The static shape; run-time dimensions are {@link Shape#UNKNOWN}. */
  Shape shape();

  /** The element type. */
  DType dtype();
}
