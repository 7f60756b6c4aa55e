package io.pldr.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.config.DataConfig;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.TokenizerConfig;
import io.pldr.api.config.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDataTest {
  @TempDir Path dir;

  private TrainConfig config(DataConfig data, int seqLen, int batch) {
    return TrainConfig.newBuilder()
        .setData(data)
        .setSeqLen(seqLen)
        .setBatchSize(batch)
        .setSeed(5)
        .setOutDir(dir.resolve("run").toString())
        .build();
  }

  @Test
  void fromConfigToBatchesWithATrainedTokenizerAndCachedTokens() throws IOException {
    Path text = dir.resolve("t.txt");
    Files.writeString(
        text,
        "The whale swam in the sea.\n\nThe sea was wide; the whale was white.\n\n".repeat(40));
    TrainConfig cfg =
        config(
            DataConfig.newBuilder()
                .addTrainFiles(text.toString())
                .setValidationFraction(0.1)
                .setTokenizer(TokenizerConfig.newBuilder().setVocabSize(280))
                .build(),
            8,
            4);
    Path cache = dir.resolve("cache");

    Path tokens;
    FileTime written;
    List<long[][]> firstRun = new ArrayList<>();
    try (TrainingData data = TrainingData.prepare(cfg, cache)) {
      Path runTokenizer = dir.resolve("run").resolve(TrainingData.TOKENIZER_FILE);
      assertThat(data.tokenizerFile()).isEqualTo(runTokenizer);
      assertThat(data.tokenizer().vocabSize()).isEqualTo(280);
      assertThat(data.sequences().seqLen()).isEqualTo(8);
      assertThat(data.sequences().validationWindows())
          .isEqualTo(Math.round(data.sequences().windows() * 0.1));
      tokens = data.tokens().path();
      assertThat(tokens).startsWith(cache.resolve("tokens"));
      written = Files.getLastModifiedTime(tokens);

      BatchIterator it = data.trainBatches(DataPosition.START);
      for (int i = 0; i < 3; i++) {
        long[][] b = it.next();
        assertThat(b).hasNumberOfRows(4);
        assertThat(b[0]).hasSize(9);
        firstRun.add(b);
      }
      int validation = 0;
      for (long[][] b : data.validationBatches()) {
        validation += b.length;
      }
      assertThat((long) validation).isEqualTo(data.sequences().validationWindows());
      assertThat(data.unigramEntropy().nats()).isBetween(1.0, Math.log(280));
    }

    try (TrainingData again = TrainingData.prepare(cfg, cache)) {
      assertThat(again.tokens().path()).isEqualTo(tokens);
      assertThat(Files.getLastModifiedTime(tokens)).isEqualTo(written);
      BatchIterator it = again.trainBatches(DataPosition.START);
      for (long[][] b : firstRun) {
        assertThat(it.next()).isDeepEqualTo(b);
      }
    }
  }

  @Test
  void mobyDickEndToEnd() throws IOException {
    TrainConfig cfg =
        TrainConfig.newBuilder(config(DataConfig.getDefaultInstance(), 256, 2))
            .setModel(ModelConfig.newBuilder().setVocabSize(1024))
            .build();
    try (TrainingData data = TrainingData.prepare(cfg, dir.resolve("cache"))) {
      assertThat(data.tokenizer().vocabSize()).isEqualTo(1024);
      assertThat(data.tokens().width()).isEqualTo(TokenFile.Width.UINT16);
      assertThat(data.tokens().size()).isBetween(300_000L, 600_000L);
      assertThat(data.sequences().validationWindows())
          .isEqualTo(Math.round(data.sequences().windows() * 0.05));
      assertThat(data.unigramEntropy().nats()).isBetween(4.0, Math.log(1024));
      int[] head = new int[30];
      for (int i = 0; i < head.length; i++) {
        head[i] = data.tokens().get(i);
      }
      assertThat(Arrays.stream(head).filter(id -> id == 3).count()).isEqualTo(1);
      assertThat(data.tokenizer().decode(head)).startsWith("CHAPTER 1. Loomings.Call me Ishmael.");
    }
  }

  @Test
  void aConfiguredTokenizerIsCopiedIntoTheRunAndAMissingOneFails() throws IOException {
    Path text = Files.writeString(dir.resolve("t.txt"), "abc abd abe abf ".repeat(200));
    Path tok = dir.resolve("given.json");
    new io.pldr.train.tokenizer.BpeTrainer(270, 2).train(List.of("abc abd abe")).write(tok);
    DataConfig.Builder data =
        DataConfig.newBuilder()
            .addTrainFiles(text.toString())
            .setTokenizer(TokenizerConfig.newBuilder().setPath(tok.toString()));
    try (TrainingData d = TrainingData.prepare(config(data.build(), 4, 2), dir.resolve("c"))) {
      assertThat(Files.readAllBytes(d.tokenizerFile())).isEqualTo(Files.readAllBytes(tok));
      assertThat(d.tokenizerFile().getParent()).isEqualTo(dir.resolve("run"));
    }
    Path missing = dir.resolve("nope.json");
    data.setTokenizer(TokenizerConfig.newBuilder().setPath(missing.toString()));
    assertThatThrownBy(() -> TrainingData.prepare(config(data.build(), 4, 2), dir.resolve("c")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void theDataOrderFollowsDataSeedWhenSetAndNotSeed() throws IOException {
    Path text = Files.writeString(dir.resolve("t.txt"), "the whale and the sea. ".repeat(300));
    DataConfig data =
        DataConfig.newBuilder()
            .addTrainFiles(text.toString())
            .setTokenizer(TokenizerConfig.newBuilder().setVocabSize(270))
            .build();
    TrainConfig base = config(data, 8, 4);
    long[][] bySeed5 = firstBatch(base);
    long[][] bySeed6 = firstBatch(base.toBuilder().setSeed(6).build());
    long[][] byDataSeed5 = firstBatch(base.toBuilder().setSeed(6).setDataSeed(5).build());
    long[][] byDataSeed6 = firstBatch(base.toBuilder().setSeed(5).setDataSeed(6).build());
    assertThat(java.util.Arrays.deepEquals(bySeed6, bySeed5))
        .as("seed changes the order")
        .isFalse();
    assertThat(byDataSeed5).isDeepEqualTo(bySeed5);
    assertThat(byDataSeed6).isDeepEqualTo(bySeed6);
  }

  private long[][] firstBatch(TrainConfig cfg) throws IOException {
    try (TrainingData d = TrainingData.prepare(cfg, dir.resolve("cache"))) {
      return d.trainBatches(DataPosition.START).next();
    }
  }
}
