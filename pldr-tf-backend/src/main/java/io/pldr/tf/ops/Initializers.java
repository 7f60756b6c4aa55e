package io.pldr.tf.ops;

import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import java.util.SplittableRandom;

/** Draws a parameter's first values on the host, reproducibly from a seed and its name. */
public final class Initializers {
  private Initializers() {}

  /** The values of {@code initializer} for a parameter of {@code shape}, row-major. */
  public static double[] sample(Initializer initializer, Shape shape, long seed, String name) {
    int n = Math.toIntExact(shape.size());
    double[] v = new double[n];
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    if (initializer instanceof Initializer.Ones) {
      java.util.Arrays.fill(v, 1.0);
    } else if (initializer instanceof Initializer.XavierUniform) {
      double bound = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
      for (int i = 0; i < n; i++) {
        v[i] = random.nextDouble(-bound, bound);
      }
    } else if (initializer instanceof Initializer.XavierNormal) {
      double std = Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape)));
      for (int i = 0; i < n; i++) {
        v[i] = std * gaussian(random);
      }
    } else if (initializer instanceof Initializer.Normal g) {
      for (int i = 0; i < n; i++) {
        v[i] = g.mean() + g.std() * gaussian(random);
      }
    }
    return v;
  }

  /** PyTorch's fan-in: dimension 1 times the receptive field (dimensions 2 and on). */
  static double fanIn(Shape s) {
    return s.rank() < 2 ? s.size() : s.dim(1) * receptive(s);
  }

  /** PyTorch's fan-out: dimension 0 times the receptive field. */
  static double fanOut(Shape s) {
    return s.rank() < 2 ? s.size() : s.dim(0) * receptive(s);
  }

  private static double receptive(Shape s) {
    double r = 1;
    for (int i = 2; i < s.rank(); i++) {
      r *= s.dim(i);
    }
    return r;
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller on two uniforms in (0, 1].
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
