package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} with the paper's kind of tokenizer: a SentencePiece {@code tokenizer.model}. */
class SentencePieceTrainingTest {
  @TempDir Path dir;

  @Test
  void aSentencePieceModelTrainsAndTravelsWithTheCheckpoint() throws Exception {
    Path tokenizer = dir.resolve("sp256.model");
    try (InputStream in = getClass().getResourceAsStream("/hf/tokenizer.model")) {
      Files.copy(in, tokenizer);
    }
    Path corpus = dir.resolve("corpus.txt");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      b.append("Call me Ishmael. Some years ago, never mind how long precisely. ");
      b.append(i % 10 == 9 ? "\n\n" : "");
    }
    Files.writeString(corpus, b);
    Path config = dir.resolve("train.textproto");
    Files.writeString(
        config,
        """
        model { num_layers: 1 d_model: 16 num_heads: 2 dff: 32 vocab_size: 256
                a_dff: 8 num_reslayer_a: 1 num_dense_a: 1 max_seq_len: 32 }
        data { train_files: "%s" tokenizer { path: "%s" } }
        optimizer { learning_rate: 1e-2 clip_value: 1.0 }
        batch_size: 4
        seq_len: 16
        steps: 4
        out_dir: "%s"
        """
            .formatted(corpus, tokenizer, dir.resolve("run")));
    CliRun trained =
        CliRun.of(
            "train", "--config", config.toString(), "--cache-dir", dir.resolve("cache").toString());
    assertThat(trained.status()).as(trained.err()).isZero();
    Path run = dir.resolve("run");
    assertThat(run.resolve("tokenizer.model")).hasSameBinaryContentAs(tokenizer);
    assertThat(run.resolve("tokenizer.json")).doesNotExist();
    try (var steps = Files.list(run.resolve("checkpoints"))) {
      Path step =
          steps
              .filter(p -> p.getFileName().toString().startsWith("step-"))
              .findFirst()
              .orElseThrow();
      assertThat(step.resolve("tokenizer.model")).hasSameBinaryContentAs(tokenizer);
    }
    CliRun ids =
        CliRun.of("tokenize", "--checkpoint", run.toString(), "--text", "Call me Ishmael.");
    assertThat(ids.out().trim()).isEqualTo("158 143 70 34 5 25 23 10 100 24"); // spm_encode's
    CliRun generated =
        CliRun.of(
            "generate",
            "--checkpoint",
            run.toString(),
            "--prompt",
            "Call me",
            "--max-new-tokens",
            "4");
    assertThat(generated.status()).as(generated.err()).isZero();
  }
}
