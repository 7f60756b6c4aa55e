package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.model.WeightFormat;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.generate.SamplingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reduced-precision weights on a trained model (two layers of width 64, trained through {@code
 * ./pldr train}): validation perplexity within 1% of float32's for bfloat16 and 3% for int8, greedy
 * continuations of 32 tokens identical to float32's for at least 90% of 50 prompts with bfloat16,
 * and each prompt's G_LM closer to float32's than float32's own G_LM of another prompt is.
 */
class ReducedWeightsAccuracyTest {
  @TempDir static Path dir;
  private static Path run;
  private static final String[] WORDS = {"the", "whale", "ship", "sea", "follows", "is", "calm"};

  @BeforeAll
  static void train() throws Exception {
    StringBuilder b = new StringBuilder();
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    String[] sentences = {
      "the whale follows the ship and the sea is calm. ",
      "the ship follows the whale into the grey sea. ",
      "a calm sea is the sailor's friend and the whale is his fear. ",
      "call me ishmael, said the sailor to the sea. "
    };
    for (int i = 0; i < 600; i++) {
      b.append(sentences[random.nextInt(sentences.length)]);
      b.append(i % 10 == 9 ? "\n\n" : "");
    }
    run =
        TinyTraining.train(
            dir,
            b.toString(),
            """
            model { num_layers: 2 d_model: 64 num_heads: 2 dff: 170 vocab_size: 280
                    a_dff: 16 num_reslayer_a: 1 num_dense_a: 1 max_seq_len: 64 }
            data { train_files: "%1$s" }
            optimizer { learning_rate: 3e-3 clip_value: 1.0 }
            batch_size: 8
            seq_len: 32
            steps: 120
            out_dir: "%2$s"
            """);
  }

  @Test
  void reducedWeightsKeepPerplexityGreedyTextAndGCache() throws Exception {
    List<String> prompts = new ArrayList<>();
    for (int i = 0; prompts.size() < 50; i++) {
      prompts.add(
          WORDS[i % WORDS.length]
              + " "
              + WORDS[(i / WORDS.length) % WORDS.length]
              + " "
              + WORDS[(i / 3) % WORDS.length]);
    }
    String heldOut =
        "the whale follows the ship and the sea is calm. call me ishmael, said the sailor.";
    double[] perplexity = new double[3];
    List<List<String>> greedy = new ArrayList<>();
    List<GCache> gCaches = new ArrayList<>();
    GCache otherPrompt = null;
    WeightFormat[] formats = WeightFormat.values();
    for (int f = 0; f < formats.length; f++) {
      try (PretrainedModel model = PretrainedModel.loader(run).weights(formats[f]).load()) {
        perplexity[f] = model.scorer(false).score(heldOut).perplexity();
        List<String> texts = new ArrayList<>();
        for (String p : prompts) {
          texts.add(
              model
                  .generator()
                  .generate(p, SamplingConfig.greedy(32), CacheMode.KV_G, piece -> {})
                  .text());
        }
        greedy.add(texts);
        gCaches.add(model.inferGCache(prompts.get(0)));
        if (f == 0) {
          otherPrompt = model.inferGCache("a calm sea is the sailor's friend");
        }
      }
    }
    System.out.printf(
        "validation perplexity: float32 %.4f, bfloat16 %.4f, int8 %.4f%n",
        perplexity[0], perplexity[1], perplexity[2]);
    assertThat(perplexity[0]).isLessThan(20); // trained: far below the vocabulary's 280
    assertThat(Math.abs(perplexity[1] / perplexity[0] - 1)).isLessThan(0.01);
    assertThat(Math.abs(perplexity[2] / perplexity[0] - 1)).isLessThan(0.03);

    int[] same = new int[3];
    for (int f = 1; f < 3; f++) {
      for (int i = 0; i < prompts.size(); i++) {
        same[f] += greedy.get(f).get(i).equals(greedy.get(0).get(i)) ? 1 : 0;
      }
    }
    System.out.printf(
        "greedy continuations identical to float32's: bfloat16 %d/50, int8 %d/50%n",
        same[1], same[2]);
    assertThat(same[1]).isGreaterThanOrEqualTo(45);

    double ownSpread = rmse(gCaches.get(0), otherPrompt);
    for (int f = 1; f < 3; f++) {
      double off = rmse(gCaches.get(f), gCaches.get(0));
      System.out.printf(
          "G_LM RMSE against float32: %s %.3e; float32 prompt to prompt %.3e%n",
          formats[f].id(), off, ownSpread);
      assertThat(off).as(formats[f].id()).isLessThan(ownSpread);
    }
  }

  /** RMSE over every layer's G_LM. */
  private static double rmse(GCache a, GCache b) {
    double sum = 0;
    long n = 0;
    for (int l = 0; l < a.numLayers(); l++) {
      double[] x = a.layer(l).gLm().toDoubleArray();
      double[] y = b.layer(l).gLm().toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        sum += (x[i] - y[i]) * (x[i] - y[i]);
      }
      n += x.length;
    }
    return Math.sqrt(sum / n);
  }
}
