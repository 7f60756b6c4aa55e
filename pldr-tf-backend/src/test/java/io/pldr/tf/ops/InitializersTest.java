package io.pldr.tf.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.tensor.Initializer;
import io.pldr.api.tensor.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Initial values drawn in parallel blocks are, bit for bit, those of one sequential pass over the
 * parameter's stream (the draw of every value before blocks existed).
 */
class InitializersTest {
  private static final Shape LARGE = Shape.of(300, 700); // 210,000 values: four blocks

  @Test
  void blocksDrawWhatOneSequentialPassDraws() {
    assertThat(Initializers.BLOCK).isLessThan((int) LARGE.size());
    long seed = 5;
    String name = "decoder.embedding.weight";
    SplittableRandom r = sequential(seed, name);
    double bound = Math.sqrt(6.0 / (300 + 700));
    double[] uniform = new double[(int) LARGE.size()];
    for (int i = 0; i < uniform.length; i++) {
      uniform[i] = r.nextDouble(-bound, bound);
    }
    assertThat(Initializers.sample(Initializer.xavierUniform(), LARGE, seed, name))
        .isEqualTo(uniform);

    r = sequential(seed, name);
    double[] normal = new double[(int) LARGE.size()];
    for (int i = 0; i < normal.length; i++) {
      normal[i] = 0.5 + 2.0 * gaussian(r);
    }
    assertThat(Initializers.sample(new Initializer.Normal(0.5, 2.0), LARGE, seed, name))
        .isEqualTo(normal);

    r = sequential(seed, name);
    double std = Math.sqrt(2.0 / (300 + 700));
    double[] xavierNormal = new double[(int) LARGE.size()];
    for (int i = 0; i < xavierNormal.length; i++) {
      xavierNormal[i] = std * gaussian(r);
    }
    assertThat(Initializers.sample(Initializer.xavierNormal(), LARGE, seed, name))
        .isEqualTo(xavierNormal);
  }

  @Test
  void aJumpedGeneratorContinuesTheStream() {
    SplittableRandom r = new SplittableRandom(-77);
    for (int i = 0; i < 1000; i++) {
      r.nextDouble();
    }
    SplittableRandom jumped = Initializers.at(-77, 1000);
    for (int i = 0; i < 10; i++) {
      assertThat(jumped.nextDouble()).isEqualTo(r.nextDouble());
    }
  }

  @Test
  void smallAndConstantInitializers() {
    assertThat(Initializers.sample(Initializer.ones(), Shape.of(3), 1, "g")).containsOnly(1.0);
    assertThat(Initializers.sample(Initializer.zeros(), Shape.of(3), 1, "b")).containsOnly(0.0);
    assertThat(Initializers.sample(Initializer.xavierUniform(), Shape.of(4, 5), 1, "w"))
        .isEqualTo(Initializers.sample(Initializer.xavierUniform(), Shape.of(4, 5), 1, "w"))
        .isNotEqualTo(Initializers.sample(Initializer.xavierUniform(), Shape.of(4, 5), 2, "w"));
  }

  /** The parameter's stream as it was seeded before blocks existed. */
  private static SplittableRandom sequential(long seed, String name) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }
}
