package io.pldr.train.loop;

import com.google.inject.Guice;
import io.pldr.api.config.TrainConfig;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.train.config.TrainConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A tiny training run on a generated corpus, for tests that train for real in seconds. */
public final class TinyRun {
  private TinyRun() {}

  /** Writes a corpus of about {@code words} words of simple sentences. */
  public static Path corpus(Path dir, int words) throws IOException {
    String[] subjects = {"the whale", "the captain", "a sailor", "the ship", "the sea"};
    String[] verbs = {"sees", "follows", "hunts", "leaves", "finds"};
    String[] objects = {"the harbour", "a storm", "the island", "the crew", "the moon"};
    SplittableRandom r = new SplittableRandom(3);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words / 4; i++) {
      b.append(subjects[r.nextInt(5)])
          .append(' ')
          .append(verbs[r.nextInt(5)])
          .append(' ')
          .append(objects[r.nextInt(5)])
          .append(". ");
      if (i % 12 == 11) {
        b.append("\n\n");
      }
    }
    Path f = dir.resolve("corpus.txt");
    Files.writeString(f, b.toString());
    return f;
  }

  /** A configuration text; {@code extra} is appended (later fields win for scalars). */
  public static String config(Path corpus, Path out, String extra) {
    return """
        model {
          num_layers: 1 d_model: 16 num_heads: 2 dff: 32 vocab_size: 300
          a_dff: 8 num_reslayer_a: 1 num_dense_a: 1 max_seq_len: 32
        }
        data { train_files: "%s" validation_fraction: 0.1 }
        optimizer { learning_rate: 1e-2 clip_value: 1.0 }
        schedule { warmup_steps: 2 }
        batch_size: 4
        seq_len: 16
        eval_every: 4
        eval_batches: 2
        log_every: 2
        out_dir: "%s"
        seed: 5
        %s
        """
        .formatted(corpus, out, extra);
  }

  static TrainConfig parse(String text) {
    return TrainConfigs.parse(text, "test config");
  }

  static Trainer trainer() {
    return Guice.createInjector(PldrInjectors.builtIn()).getInstance(Trainer.class);
  }
}
