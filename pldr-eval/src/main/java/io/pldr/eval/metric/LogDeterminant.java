package io.pldr.eval.metric;

import io.pldr.api.tensor.HostTensor;

/**
 * The mean log|det| of square matrices (each observation a tensor {@code [..., d, d]}, every matrix
 * in it counted), and the share with a negative determinant: the paper's summary of A_LM and G_LM.
 * Computed in double precision by LU decomposition with partial pivoting, so a determinant too
 * large or small for a double still has a finite log.
 */
public final class LogDeterminant extends NamedMetric<HostTensor> {
  /** sign(det) in {−1, 0, 1} and log|det| (−∞ for a singular matrix). */
  public record Signed(int sign, double logAbs) {}

  private double sumLogAbs;
  private long negative;
  private long count;

  /** A summary named {@code name}. */
  public LogDeterminant(String name) {
    super(name);
  }

  @Override
  public void update(HostTensor matrices) {
    long[] dims = matrices.shape().dims();
    if (dims.length < 2 || dims[dims.length - 1] != dims[dims.length - 2]) {
      throw new IllegalArgumentException(
          "log-determinant: expected [..., d, d], got " + matrices.shape());
    }
    int d = (int) dims[dims.length - 1];
    double[] values = matrices.toDoubleArray();
    for (int offset = 0; offset < values.length; offset += d * d) {
      Signed s = of(values, offset, d);
      sumLogAbs += s.logAbs();
      negative += s.sign() < 0 ? 1 : 0;
      count++;
    }
  }

  /** The mean log|det| over every matrix seen; NaN without observations. */
  @Override
  public double result() {
    return count == 0 ? Double.NaN : sumLogAbs / count;
  }

  /** The share of matrices with a negative determinant; NaN without observations. */
  public double negativeShare() {
    return count == 0 ? Double.NaN : (double) negative / count;
  }

  @Override
  public void reset() {
    sumLogAbs = 0;
    negative = 0;
    count = 0;
  }

  /** Sign and log|det| of the row-major d × d matrix at {@code offset} in {@code values}. */
  public static Signed of(double[] values, int offset, int d) {
    double[] lu = new double[d * d];
    System.arraycopy(values, offset, lu, 0, d * d);
    int sign = 1;
    double logAbs = 0;
    for (int col = 0; col < d; col++) {
      int pivot = col;
      for (int r = col + 1; r < d; r++) {
        if (Math.abs(lu[r * d + col]) > Math.abs(lu[pivot * d + col])) {
          pivot = r;
        }
      }
      double p = lu[pivot * d + col];
      if (p == 0) {
        return new Signed(0, Double.NEGATIVE_INFINITY);
      }
      if (pivot != col) {
        for (int c = 0; c < d; c++) {
          double t = lu[col * d + c];
          lu[col * d + c] = lu[pivot * d + c];
          lu[pivot * d + c] = t;
        }
        sign = -sign;
      }
      sign *= p < 0 ? -1 : 1;
      logAbs += Math.log(Math.abs(p));
      for (int r = col + 1; r < d; r++) {
        double f = lu[r * d + col] / p;
        for (int c = col + 1; c < d; c++) {
          lu[r * d + c] -= f * lu[col * d + c];
        }
      }
    }
    return new Signed(sign, logAbs);
  }
}
