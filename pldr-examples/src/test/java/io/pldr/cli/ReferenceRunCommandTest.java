package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.io.Safetensors;
import io.pldr.tf.testing.ReferenceFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./pldr reference-run} end to end on the reference fixture. */
class ReferenceRunCommandTest {
  @TempDir Path dir;

  @Test
  void writesEveryFullTensorUnderTheReferenceNames() throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    Path out = dir.resolve("out.safetensors");
    CliRun r =
        CliRun.of(
            "reference-run",
            "--checkpoint",
            f.checkpointDir().toString(),
            "--io",
            f.ioFile().toString(),
            "--out",
            out.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out()).contains("full.logits").contains("max|Δ|");

    Map<String, HostTensor> written = Safetensors.read(out).tensors();
    assertThat(written.keySet())
        .startsWith(
            "full.logits",
            "full.decoder_output",
            "full.layer0.A_LM",
            "full.layer0.G_LM",
            "full.layer0.attention_logits",
            "full.layer1.A_LM",
            "full.layer1.G_LM",
            "full.layer1.attention_logits",
            "train.loss");
    // Every gradient the fixture has, and nothing else.
    assertThat(written.keySet().stream().filter(k -> k.startsWith("grad.")))
        .containsExactlyInAnyOrderElementsOf(
            f.ioTensors().keySet().stream().filter(k -> k.startsWith("grad.")).toList());
    assertThat(written.keySet())
        .contains(
            "decode.prompt_length",
            "decode.kv_g.logits",
            "decode.kv.logits",
            "decode.g.logits",
            "decode.none.logits");
    assertThat(written.get("decode.prompt_length")).isEqualTo(f.io("decode.prompt_length"));
    for (Map.Entry<String, HostTensor> e : written.entrySet()) {
      HostTensor expected = f.io(e.getKey());
      if (!expected.dtype().isFloating()) {
        continue;
      }
      double rel = e.getKey().startsWith("grad.") || e.getKey().equals("train.loss") ? 2e-3 : 1e-4;
      assertThat(e.getValue().dtype()).isEqualTo(DType.FLOAT32);
      assertThat(e.getValue().shape()).as(e.getKey()).isEqualTo(expected.shape());
      assertThat(e.getValue().maxAbsDiff(expected))
          .as(e.getKey())
          .isLessThanOrEqualTo(ReferenceFixture.tolerance(expected, rel));
    }
  }

  @Test
  void inputsWithoutTokensFailWithOneClearLine() throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    Path io = dir.resolve("no-tokens.safetensors");
    Safetensors.write(
        io, Map.of("x", HostTensor.of(DType.FLOAT32, Shape.of(1), new double[1])), Map.of());
    CliRun r =
        CliRun.of(
            "reference-run",
            "--checkpoint",
            f.checkpointDir().toString(),
            "--io",
            io.toString(),
            "--out",
            dir.resolve("o").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("no tensor 'input.tokens'").doesNotContain("\tat ");
  }

  @Test
  void tokenOutsideTheVocabularyFailsWithoutAStackTrace() throws Exception {
    ReferenceFixture f = ReferenceFixture.extractTo(dir);
    Path io = dir.resolve("bad.safetensors");
    Safetensors.write(
        io,
        Map.of(
            "input.tokens", HostTensor.of(DType.INT64, Shape.of(1, 3), new double[] {1, 256, 2})),
        Map.of());
    CliRun r =
        CliRun.of(
            "reference-run",
            "--checkpoint",
            f.checkpointDir().toString(),
            "--io",
            io.toString(),
            "--out",
            dir.resolve("o").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .contains("id 256 at row 0, position 1 is outside the vocabulary [0, 256)")
        .doesNotContain("\tat ");
  }

  @Test
  void helpListsTheCommands() {
    CliRun r = CliRun.of("--help");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("reference-run").contains("operators");
  }

  @Test
  void operatorsListsTheBuiltIns() {
    CliRun r = CliRun.of("operators");
    assertThat(r.status()).isZero();
    assertThat(r.out()).contains("learned").contains("identity").contains("power_law_graph");
  }
}
