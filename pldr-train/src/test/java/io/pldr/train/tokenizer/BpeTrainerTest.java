package io.pldr.train.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpeTrainerTest {
  @TempDir Path dir;

  /** The first {@code chars} characters of the embedded corpus, cut into blank-line documents. */
  static List<String> mobyDick(int chars) {
    try (InputStream in =
        BpeTrainerTest.class.getResourceAsStream("/io/pldr/train/corpus/moby-dick.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      text = text.substring(0, Math.min(chars, text.length()));
      List<String> docs = new ArrayList<>();
      for (String d : text.split("\n\\s*\n")) {
        if (!d.isBlank()) {
          docs.add(d);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int id(char c) {
    return BpeModel.FIRST_BYTE_ID + c;
  }

  @Test
  void learnsTheMostFrequentPairFirstAndStopsBelowMinFrequency() {
    // Words: "ab" once, " ab" three times, " cd" once. (a,b) is seen 4 times, then (Ġ,ab) 3
    // times; (Ġ,c) and (c,d) once each, below min_frequency 2.
    BpeModel model = new BpeTrainer(300, 2).train(List.of("ab ab ab ab cd"));

    assertThat(model.merges())
        .containsExactly(
            new BpeModel.Merge(id('a'), id('b'), 260), new BpeModel.Merge(id(' '), 260, 261));
    assertThat(model.tokens().subList(260, 262)).containsExactly("ab", "Ġab");
    assertThat(model.vocabSize()).isEqualTo(262);
    assertThat(model.encode("ab ab cd")).containsExactly(260, 261, id(' '), id('c'), id('d'));
  }

  @Test
  void breaksTiesByTheSmallerPairOfIds() {
    // Each pair is seen once: (Ġ,y) has the smallest ids (36, 125), then (x,y) (124, 125) comes
    // before (Ġy,z) (260, 126).
    BpeModel model = new BpeTrainer(263, 1).train(List.of("xy yz"));

    assertThat(model.merges())
        .extracting(m -> model.tokens().get(m.result()))
        .containsExactly("Ġy", "xy", "Ġyz");
  }

  @Test
  void reachesTheExactVocabularySizeAndRecordsEveryMergeInTheFile() throws IOException {
    BpeModel model = new BpeTrainer(1000, 2).train(mobyDick(200_000));
    Path file = dir.resolve("tokenizer.json");
    model.write(file);

    assertThat(model.vocabSize()).isEqualTo(1000);
    JsonNode json = new ObjectMapper().readTree(file.toFile());
    assertThat(json.path("model").path("vocab").size()).isEqualTo(1000);
    assertThat(json.path("model").path("merges").size())
        .isEqualTo(model.merges().size())
        .isGreaterThanOrEqualTo(1000 - BpeModel.BASE_VOCAB_SIZE);
    assertThat(json.path("added_tokens"))
        .extracting(t -> t.path("content").asText())
        .containsExactly("<pad>", "<unk>", "<s>", "</s>");
    assertThat(json.path("model").path("vocab").path("</s>").asInt()).isEqualTo(3);
    assertThat(json.path("model").path("vocab").path("Ġ").asInt()).isEqualTo(id(' '));
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void twoTrainingsGiveIdenticalFilesWhateverTheDocumentOrder() throws IOException {
    List<String> docs = mobyDick(100_000);
    List<String> shuffled = new ArrayList<>(docs);
    Collections.shuffle(shuffled, new Random(7));
    assertThat(shuffled).isNotEqualTo(docs);

    BpeTrainer trainer = new BpeTrainer(700, 2);
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    trainer.train(docs).write(a);
    trainer.train(shuffled).write(b);

    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.size(a)).isGreaterThan(10_000);
  }

  @Test
  void javaEncodeDecodeRoundTripsBytesItNeverSaw() {
    BpeModel model = new BpeTrainer(400, 2).train(mobyDick(30_000));
    String text = "Ünïcödé, 日本語, emoji 🐋 \u0000\u0007 and a\ttab\r\n";
    int[] ids = model.encode(text);
    assertThat(model.decode(ids)).isEqualTo(text);
    assertThat(java.util.Arrays.stream(ids))
        .allMatch(i -> i >= BpeModel.FIRST_BYTE_ID && i < model.vocabSize());
  }

  @Test
  void rejectsAVocabularyBelowTheBytes() {
    assertThatThrownBy(() -> new BpeTrainer(259, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("259")
        .hasMessageContaining("260");
    assertThatThrownBy(() -> new BpeTrainer(300, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min_frequency");
  }
}
