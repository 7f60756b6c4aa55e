package io.pldr.cache.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
  private static final HostTensor LOGITS =
      HostTensor.of(
          DType.FLOAT32,
          Shape.of(1, 4),
          new double[] {Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)});

  private static SamplingConfig sampling(double t, int k, double p, long seed) {
    return new SamplingConfig(t, k, p, seed, 10, List.of());
  }

  private static double[] frequencies(SamplingConfig c, int draws) {
    Sampler s = new Sampler(c);
    double[] f = new double[4];
    for (int i = 0; i < draws; i++) {
      f[s.next(LOGITS, 0)] += 1.0 / draws;
    }
    return f;
  }

  @Test
  void greedyTakesTheMostLikelyToken() {
    assertThat(new Sampler(SamplingConfig.greedy(5)).next(LOGITS, 0)).isZero();
  }

  @Test
  void samplesFollowTheDistribution() {
    double[] f = frequencies(sampling(1.0, 0, 1.0, 7), 20000);
    assertThat(f[0]).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.015));
    assertThat(f[1]).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.015));
    assertThat(f[3]).isCloseTo(0.05, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void topKAndTopPCutTheTail() {
    double[] k2 = frequencies(sampling(1.0, 2, 1.0, 3), 5000);
    assertThat(k2[2] + k2[3]).isZero();
    assertThat(k2[0]).isCloseTo(0.625, org.assertj.core.data.Offset.offset(0.03));
    // nucleus 0.6: the smallest set reaching 0.6 is {0, 1}
    double[] p6 = frequencies(sampling(1.0, 0, 0.6, 3), 5000);
    assertThat(p6[2] + p6[3]).isZero();
    assertThat(p6[1]).isGreaterThan(0.3);
  }

  @Test
  void theSameSeedGivesTheSameDraws() {
    Sampler a = new Sampler(sampling(1.0, 0, 1.0, 42));
    Sampler b = new Sampler(sampling(1.0, 0, 1.0, 42));
    for (int i = 0; i < 50; i++) {
      assertThat(a.next(LOGITS, 0)).isEqualTo(b.next(LOGITS, 0));
    }
  }

  @Test
  void impossibleSettingsAreRefusedNamingThem() {
    assertThatThrownBy(() -> sampling(1.0, 0, 0.0, 0))
        .hasMessageContaining("top-p must be in (0, 1]");
    assertThatThrownBy(() -> sampling(1.0, 0, 1.5, 0)).hasMessageContaining("top-p");
    assertThatThrownBy(() -> sampling(1.0, -1, 1.0, 0)).hasMessageContaining("top-k");
    assertThatThrownBy(() -> sampling(-0.5, 0, 1.0, 0)).hasMessageContaining("temperature");
  }
}
