package io.pldr.tf.ops;

import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Draws a parameter's first values on the host, reproducibly from a seed and its name.
 *
 * <p>Each parameter has its own {@link SplittableRandom} stream; a uniform value takes one draw of
 * it, a normal value two (Box-Muller). Large parameters are drawn in blocks on all cores: a block
 * starts its own generator where the parameter's stream stands at the block's first draw, so every
 * value is the one a single sequential pass gives, whatever the number of threads.
 */
public final class Initializers {
  /** Elements per block drawn by one task. */
  static final int BLOCK = 1 << 16;

  /** Elements drawn at a time into a block's scratch array. */
  private static final int CHUNK = 1 << 12;

  /** The increment of a seeded {@link SplittableRandom}'s state per draw. */
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  /** Whether {@link #at} reproduces this JDK's {@link SplittableRandom} (else: one pass). */
  private static final boolean CAN_JUMP = jumpWorks();

  private Initializers() {}

  /** The values of {@code initializer} for a parameter of {@code shape}, row-major. */
  public static double[] sample(Initializer initializer, Shape shape, long seed, String name) {
    double[] v = new double[Math.toIntExact(shape.size())];
    draw(
        initializer,
        shape,
        seed,
        name,
        (from, chunk, length) -> {
          System.arraycopy(chunk, 0, v, from, length);
        });
    return v;
  }

  /**
   * {@link #sample}'s values rounded to float32, drawn without an array of doubles: the first
   * values of a float32 model.
   */
  public static float[] sampleFloats(Initializer initializer, Shape shape, long seed, String name) {
    float[] v = new float[Math.toIntExact(shape.size())];
    draw(
        initializer,
        shape,
        seed,
        name,
        (from, chunk, length) -> {
          for (int i = 0; i < length; i++) {
            v[from + i] = (float) chunk[i];
          }
        });
    return v;
  }

  /** Receives the values of elements {@code [from, from + length)} in {@code chunk[0, length)}. */
  private interface Sink {
    void put(int from, double[] chunk, int length);
  }

  /** Draws {@code length} values into {@code chunk[0, length)}. */
  private interface Values {
    void draw(SplittableRandom random, double[] chunk, int length);
  }

  private static void draw(
      Initializer initializer, Shape shape, long seed, String name, Sink sink) {
    int n = Math.toIntExact(shape.size());
    long start = seed * 0x9E3779B97F4A7C15L + name.hashCode();
    if (initializer instanceof Initializer.Ones) {
      blocks(n, start, 0, sink, (r, chunk, length) -> java.util.Arrays.fill(chunk, 0, length, 1.0));
    } else if (initializer instanceof Initializer.XavierUniform) {
      double bound = Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
      blocks(
          n,
          start,
          1,
          sink,
          (r, chunk, length) -> {
            for (int i = 0; i < length; i++) {
              chunk[i] = r.nextDouble(-bound, bound);
            }
          });
    } else if (initializer instanceof Initializer.XavierNormal) {
      double std = Math.sqrt(2.0 / (fanIn(shape) + fanOut(shape)));
      blocks(
          n,
          start,
          2,
          sink,
          (r, chunk, length) -> {
            for (int i = 0; i < length; i++) {
              chunk[i] = std * gaussian(r);
            }
          });
    } else if (initializer instanceof Initializer.Normal g) {
      blocks(
          n,
          start,
          2,
          sink,
          (r, chunk, length) -> {
            for (int i = 0; i < length; i++) {
              chunk[i] = g.mean() + g.std() * gaussian(r);
            }
          });
    }
  }

  /**
   * Draws {@code n} values in blocks of {@link #BLOCK}, in parallel when there are several and the
   * generator can jump; {@code draws} is the number of draws per element.
   */
  private static void blocks(int n, long start, int draws, Sink sink, Values values) {
    int blocks = (n + BLOCK - 1) / BLOCK;
    if (blocks <= 1 || !CAN_JUMP) {
      block(new SplittableRandom(start), 0, n, sink, values);
      return;
    }
    IntStream.range(0, blocks)
        .parallel()
        .forEach(
            b -> {
              int from = b * BLOCK;
              block(at(start, (long) from * draws), from, Math.min(n, from + BLOCK), sink, values);
            });
  }

  private static void block(SplittableRandom random, int from, int to, Sink sink, Values values) {
    double[] chunk = new double[Math.min(CHUNK, to - from)];
    for (int i = from; i < to; i += CHUNK) {
      int length = Math.min(CHUNK, to - i);
      values.draw(random, chunk, length);
      sink.put(i, chunk, length);
    }
  }

  /** A generator that continues {@code new SplittableRandom(start)} after {@code draws} draws. */
  static SplittableRandom at(long start, long draws) {
    return new SplittableRandom(start + draws * GOLDEN_GAMMA);
  }

  private static boolean jumpWorks() {
    SplittableRandom sequential = new SplittableRandom(42);
    for (int i = 0; i < 5; i++) {
      sequential.nextDouble();
    }
    SplittableRandom jumped = at(42, 5);
    for (int i = 0; i < 3; i++) {
      if (sequential.nextLong() != jumped.nextLong()) {
        return false;
      }
    }
    return true;
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
