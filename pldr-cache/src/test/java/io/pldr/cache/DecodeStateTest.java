package io.pldr.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.testing.Specs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A decoding state's G-cache is what its steps attend with. */
class DecodeStateTest {
  @TempDir Path dir;

  @Test
  void aStatesGCacheIsWhatItsStepsAttendWith() throws Exception {
    try (FixtureDecoder fd = FixtureDecoder.open(dir, Precision.FLOAT32)) {
      CachedDecoder decoder = fd.decoder();
      long[] row = fd.row0();
      long[][] prompt = {Arrays.copyOf(row, 5)};
      long[][] next = {Arrays.copyOf(row, 6)};
      DecodeState state = decoder.prefill(prompt).state();
      assertThat(state.length()).isEqualTo(5);
      GCache g = state.gCache();
      assertThat(g.numLayers()).isEqualTo(2);
      assertThat(g.layer(1).gLm().shape().dims()).containsExactly(1, 4, 16, 16);

      // step() takes over the state it is given and returns the one to use (and close).
      CachedDecoder.Step continued = decoder.step(state, next, CacheMode.KV_G);
      continued.state().close();
      CachedDecoder.Step fromCopy =
          decoder.step(decoder.prefill(prompt, g).state(), next, CacheMode.KV_G);
      fromCopy.state().close();
      assertThat(fromCopy.logits().maxAbsDiff(continued.logits())).isZero();

      List<LayerDeductive> changed = new ArrayList<>(g.layers());
      HostTensor zero =
          HostTensor.of(
              g.layer(0).gLm().dtype(), g.layer(0).gLm().shape(), new double[4 * 16 * 16]);
      changed.set(0, new LayerDeductive(zero, zero));
      CachedDecoder.Step other =
          decoder.step(decoder.prefill(prompt, new GCache(changed)).state(), next, CacheMode.KV_G);
      other.state().close();
      assertThat(other.logits().maxAbsDiff(continued.logits())).isGreaterThan(1e-3);
    }
  }

  /** Row b of logits {@code [B, V]}. */
  private static double[] row(HostTensor logits, int b) {
    int v = (int) logits.shape().dim(1);
    return Arrays.copyOfRange(logits.toDoubleArray(), b * v, (b + 1) * v);
  }

  private static double maxAbsDiff(double[] a, double[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  @Test
  void mergedRowsOfSeveralStatesStepAsEachRowAlone() throws Exception {
    for (Precision precision : List.of(Precision.FLOAT32, Precision.FLOAT64)) {
      try (FixtureDecoder fd =
          FixtureDecoder.open(
              java.nio.file.Files.createDirectories(dir.resolve(precision.name())), precision)) {
        CachedDecoder decoder = fd.decoder();
        long[] t = fd.row0();
        long[] a = Arrays.copyOf(t, 9);
        long[] b = Arrays.copyOfRange(t, 2, 5);
        long[] c = Arrays.copyOfRange(t, 1, 6);
        // one state of a (9) and b (3) padded, stepped once; another of c (5) alone
        DecodeState ab = decoder.prefill(List.of(a, b)).state();
        long[][] abNext = {Arrays.copyOf(t, 10), new long[10]};
        System.arraycopy(t, 2, abNext[1], 6, 4); // b and one more token, 6 columns of padding
        ab = decoder.step(ab, abNext, CacheMode.KV_G).state();
        assertThat(ab.length()).isEqualTo(10);
        assertThat(ab.offsets().orElseThrow()).containsExactly(0, 6);
        DecodeState cs = decoder.prefill(new long[][] {c}).state();
        // keep b and c, drop a: the longest row left has 5 positions, so 5 columns
        DecodeState merged =
            DecodeState.merge(List.of(ab, cs), List.of(new int[] {1}, new int[] {0}));
        assertThat(merged.length()).isEqualTo(5);
        assertThat(merged.offsets().orElseThrow()).containsExactly(1, 0);
        assertThat(merged.batchSize()).isEqualTo(2);
        long[] bAll = Arrays.copyOfRange(t, 2, 7); // b, its step token, one more
        long[] cAll = Arrays.copyOfRange(t, 1, 7);
        long[][] next = {new long[6], cAll};
        System.arraycopy(bAll, 0, next[0], 1, 5);
        CachedDecoder.Step stepped = decoder.step(merged, next, CacheMode.KV_G);
        double worst = 0;
        for (int r = 0; r < 2; r++) {
          long[] alone = r == 0 ? bAll : cAll;
          long[] prompt = r == 0 ? b : c;
          CachedDecoder.Step one = decoder.prefill(new long[][] {prompt});
          DecodeState s = one.state();
          for (int n = prompt.length + 1; n <= alone.length; n++) {
            one = decoder.step(s, new long[][] {Arrays.copyOf(alone, n)}, CacheMode.KV_G);
            s = one.state();
          }
          s.close();
          worst = Math.max(worst, maxAbsDiff(row(stepped.logits(), r), row(one.logits(), 0)));
        }
        stepped.state().close();
        ab.close();
        cs.close();
        System.out.printf("%s: merged step against alone: max|Δ| %.2e%n", precision, worst);
        assertThat(worst).isLessThan(precision == Precision.FLOAT64 ? 1e-12 : 1e-5);
      }
    }
  }

  @Test
  void aPaddedPromptPassWithAGCacheGivesEachPromptWhatItGetsAlone() throws Exception {
    try (FixtureDecoder fd =
        FixtureDecoder.open(
            java.nio.file.Files.createDirectories(dir.resolve("padded")), Precision.FLOAT64)) {
      CachedDecoder decoder = fd.decoder();
      long[] t = fd.row0();
      GCache g;
      try (DecodeState s = decoder.prefill(new long[][] {Arrays.copyOf(t, 7)}).state()) {
        g = s.gCache();
      }
      List<long[]> prompts =
          List.of(Arrays.copyOf(t, 3), Arrays.copyOfRange(t, 1, 9), Arrays.copyOfRange(t, 4, 5));
      CachedDecoder.Step batch = decoder.prefillPadded(prompts, g);
      assertThat(batch.state().offsets().orElseThrow()).containsExactly(5, 0, 7);
      long[][] next = new long[3][9];
      for (int b = 0; b < 3; b++) {
        long[] p = prompts.get(b);
        System.arraycopy(p, 0, next[b], 8 - p.length, p.length);
        next[b][8] = 30 + b;
      }
      CachedDecoder.Step stepped = decoder.step(batch.state(), next, CacheMode.KV_G);
      double worst = 0;
      for (int b = 0; b < 3; b++) {
        long[] p = prompts.get(b);
        CachedDecoder.Step one = decoder.prefill(new long[][] {p}, g);
        worst = Math.max(worst, maxAbsDiff(row(batch.logits(), b), row(one.logits(), 0)));
        long[] longer = Arrays.copyOf(p, p.length + 1);
        longer[p.length] = 30 + b;
        CachedDecoder.Step oneStep =
            decoder.step(one.state(), new long[][] {longer}, CacheMode.KV_G);
        oneStep.state().close();
        worst = Math.max(worst, maxAbsDiff(row(stepped.logits(), b), row(oneStep.logits(), 0)));
      }
      stepped.state().close();
      System.out.printf("padded prompt pass with a G-cache against alone: max|Δ| %.2e%n", worst);
      assertThat(worst).isLessThan(1e-12);
    }
  }

  @Test
  void stepsFillSpareColumnsInPlaceAndTheCachesGrowOnlyWhenFull() {
    try (CachedDecoder decoder = new CachedDecoder(Specs.of(SmallShape.config(96)))) {
      decoder.load(decoder.initialValues(5));
      java.util.SplittableRandom random = new java.util.SplittableRandom(6);
      long[] t = new long[60];
      for (int i = 0; i < t.length; i++) {
        t[i] = 4 + random.nextInt(4000);
      }
      long[] a = Arrays.copyOf(t, 5);
      long[] b = Arrays.copyOfRange(t, 10, 13);
      CachedDecoder.Step batch = decoder.prefill(List.of(a, b));
      assertThat(batch.state().capacity()).isEqualTo(5);
      CachedDecoder.Step[] alone = {
        decoder.prefill(new long[][] {a}), decoder.prefill(new long[][] {b})
      };
      int capacity = 5;
      double worst = 0;
      for (int k = 1; k <= 40; k++) {
        long[][] rows = new long[2][5 + k];
        System.arraycopy(t, 0, rows[0], 0, 5 + k);
        System.arraycopy(t, 10, rows[1], 2, 3 + k); // two columns of padding
        DecodeState before = batch.state();
        org.tensorflow.Tensor keys = before.layers().get(0).keys();
        batch = decoder.step(before, rows, CacheMode.KV_G);
        DecodeState after = batch.state();
        if (5 + k > capacity) {
          capacity = 5 + k + DecodeState.GROWTH;
        } else {
          assertThat(after.layers().get(0).keys())
              .as("step %d: written in place", k)
              .isSameAs(keys);
        }
        assertThat(after.capacity()).as("step %d", k).isEqualTo(capacity);
        assertThat(after.length()).isEqualTo(5 + k);
        // each row alone, recomputing every position with its prompt's G-cache (mode g)
        for (int r = 0; r < 2; r++) {
          long[] own = r == 0 ? rows[0] : Arrays.copyOfRange(rows[1], 2, rows[1].length);
          alone[r] = decoder.step(alone[r].state(), new long[][] {own}, CacheMode.G);
          worst = Math.max(worst, maxAbsDiff(row(batch.logits(), r), row(alone[r].logits(), 0)));
        }
      }
      batch.state().close();
      alone[0].state().close();
      alone[1].state().close();
      // grown twice: after the prompt (5 + 1 > 5) and at 5 + 34 > 38
      assertThat(capacity).isEqualTo(5 + 34 + DecodeState.GROWTH);
      System.out.printf("40 kv_g steps through two growths against mode g: max|Δ| %.2e%n", worst);
      assertThat(worst).isLessThan(1e-4);
    }
  }
}
