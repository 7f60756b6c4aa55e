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
    return train(dir, config(dir, ""));
  }

  /**
   * Writes {@code corpus} and a configuration into {@code dir} and trains it through {@code ./pldr
   * train}; {@code template} is the configuration with {@code %1$s} for the corpus file and {@code
   * %2$s} for the run folder ({@code dir/run}), which is returned.
   */
  static Path train(Path dir, String corpus, String template) throws IOException {
    return train(dir, write(dir, corpus, template, ""));
  }

  private static Path train(Path dir, Path config) {
    CliRun trained =
        CliRun.of(
            "train", "--config", config.toString(), "--cache-dir", dir.resolve("cache").toString());
    assertThat(trained.status()).as(trained.err()).isZero();
    return dir.resolve("run");
  }

  /**
   * Writes a small corpus and a configuration training a one-layer model for 6 steps into {@code
   * dir} (run folder {@code dir/run}); {@code extra} is appended to the configuration.
   */
  static Path config(Path dir, String extra) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 400; i++) {
      b.append("the whale follows the ship and the sea is calm. ");
      b.append(i % 10 == 9 ? "\n\n" : "");
    }
    return write(
        dir,
        b.toString(),
        """
        model { num_layers: 1 d_model: 16 num_heads: 2 dff: 32 vocab_size: 280
                a_dff: 8 num_reslayer_a: 1 num_dense_a: 1 max_seq_len: 32 }
        data { train_files: "%1$s" }
        optimizer { learning_rate: 1e-2 clip_value: 1.0 }
        batch_size: 4
        seq_len: 16
        steps: 6
        out_dir: "%2$s"
        sample { lines: 1 max_new_tokens: 5 prompts: "the whale" }
        """,
        extra);
  }

  /** Writes the corpus and the configuration: the template filled in, then {@code extra}. */
  private static Path write(Path dir, String corpus, String template, String extra)
      throws IOException {
    Path corpusFile = dir.resolve("corpus.txt");
    Files.writeString(corpusFile, corpus);
    Path config = dir.resolve("train.textproto");
    Files.writeString(config, template.formatted(corpusFile, dir.resolve("run")) + extra + "\n");
    return config;
  }
}
