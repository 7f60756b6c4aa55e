package io.pldr.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A float32 tensor held as floats behaves as one held as doubles, at half the memory. */
class HostTensorTest {
  private static final float[] FLOATS = {1.5f, -0.1f, 3e-8f, 7f, -0f, 1e30f};

  private static double[] widened() {
    double[] d = new double[FLOATS.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = FLOATS[i];
    }
    return d;
  }

  @Test
  void floatsReadAsTheDoublesTheyAre() {
    HostTensor f = HostTensor.ofFloats(Shape.of(2, 3), FLOATS);
    HostTensor d = HostTensor.of(DType.FLOAT32, Shape.of(2, 3), widened());
    assertThat(f.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(f.size()).isEqualTo(6);
    for (int i = 0; i < 6; i++) {
      assertThat(f.get(i)).isEqualTo(d.get(i));
    }
    assertThat(f.toDoubleArray()).isEqualTo(widened());
    assertThat(f.toFloatArray()).isEqualTo(FLOATS);
    assertThat(d.toFloatArray()).isEqualTo(FLOATS);
    assertThat(f).isEqualTo(d).hasSameHashCodeAs(d);
    assertThat(d).isEqualTo(f);
    assertThat(f.maxAbsDiff(d)).isZero();
    assertThat(f.maxAbs()).isEqualTo(1e30f);
    assertThat(f.reshape(Shape.of(3, 2)).get(5)).isEqualTo(1e30f);
    assertThat(f.as(DType.FLOAT64).toDoubleArray()).isEqualTo(widened());
    assertThat(f.as(DType.FLOAT64).dtype()).isEqualTo(DType.FLOAT64);
    assertThat(HostTensor.ofFloats(Shape.of(6), FLOATS))
        .isNotEqualTo(HostTensor.of(DType.FLOAT64, Shape.of(6), widened()));
  }

  @Test
  void copiesOutInBulkEitherWay() {
    HostTensor f = HostTensor.ofFloats(Shape.of(6), FLOATS);
    HostTensor d = HostTensor.of(DType.FLOAT64, Shape.of(6), new double[] {0.1, 2, 3, 4, 5, 6});
    float[] fs = new float[4];
    f.copyTo(2, fs, 1, 3);
    assertThat(fs).containsExactly(0f, 3e-8f, 7f, -0f);
    d.copyTo(0, fs, 0, 2);
    assertThat(fs[0]).isEqualTo(0.1f);
    double[] ds = new double[3];
    f.copyTo(3, ds, 0, 3);
    assertThat(ds).containsExactly(7.0, -0.0, (double) 1e30f);
    d.copyTo(1, ds, 1, 2);
    assertThat(ds).containsExactly(7.0, 2.0, 3.0);
    assertThatThrownBy(() -> d.copyTo(5, fs, 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void asFloat32RoundsToFloats() {
    HostTensor d = HostTensor.of(DType.FLOAT64, Shape.of(2), new double[] {0.1, 1.0 / 3});
    HostTensor f = d.as(DType.FLOAT32);
    assertThat(f.dtype()).isEqualTo(DType.FLOAT32);
    assertThat(f.get(0)).isEqualTo((double) 0.1f);
    assertThat(f.get(1)).isEqualTo((double) (1.0f / 3));
  }

  @Test
  void theValuesAreKeptOrCopiedAsTheFactoriesSay() {
    float[] mine = FLOATS.clone();
    HostTensor copied = HostTensor.ofFloats(Shape.of(6), mine);
    HostTensor wrapped = HostTensor.wrapFloats(Shape.of(6), mine);
    mine[0] = 99f;
    assertThat(copied.get(0)).isEqualTo(1.5);
    assertThat(wrapped.get(0)).isEqualTo(99.0);
    assertThat(wrapped.toFloatArray()).isNotSameAs(mine);
    assertThatThrownBy(() -> HostTensor.wrapFloats(Shape.of(5), mine))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not match 6 values");
  }
}
