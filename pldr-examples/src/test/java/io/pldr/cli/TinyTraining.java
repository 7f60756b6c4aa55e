package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A tiny model's training configuration and corpus, for the tests that train through the tool. */
final class TinyTraining {
  private TinyTraining() {}

  /** Trains the tiny model through {@code ./pldr train} in {@code dir}; returns its run folder. */
  static Path train(Path dir) throws IOException {
    CliRun trained =
        CliRun.of(
            "train",
            "--config",
            config(dir, "").toString(),
            "--cache-dir",
            dir.resolve("cache").toString());
    assertThat(trained.status()).as(trained.err()).isZero();
    return dir.resolve("run");
  }

  /**
   * Writes a small corpus and a configuration training a one-layer model for 6 steps into {@code
   * dir} (run folder {@code dir/run}); {@code extra} is appended to the configuration.
   */
  static Path config(Path dir, String extra) throws IOException {
    Path corpus = dir.resolve("corpus.txt");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      b.append("the whale follows the ship and the sea is calm. ");
      b.append(i % 10 == 9 ? "\n\n" : "");
    }
    Files.writeString(corpus, b);
    Path c = dir.resolve("train.textproto");
    Files.writeString(
        c,
        """
        model { num_layers: 1 d_model: 16 num_heads: 2 dff: 32 vocab_size: 280
                a_dff: 8 num_reslayer_a: 1 num_dense_a: 1 max_seq_len: 32 }
        data { train_files: "%s" }
        optimizer { learning_rate: 1e-2 clip_value: 1.0 }
        batch_size: 4
        seq_len: 16
        steps: 6
        out_dir: "%s"
        sample { lines: 1 max_new_tokens: 5 prompts: "the whale" }
        %s
        """
            .formatted(corpus, dir.resolve("run"), extra));
    return c;
  }
}
