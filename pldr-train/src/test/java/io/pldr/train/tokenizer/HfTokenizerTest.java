package io.pldr.train.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.text.SpecialTokens;
import io.pldr.cache.text.HfTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {
  @TempDir static Path dir;
  static BpeModel model;
  static Path file;

  @BeforeAll
  static void train() throws IOException {
    List<String> docs = new java.util.ArrayList<>(BpeTrainerTest.mobyDick(150_000));
    docs.add("Le café était fermé; l'été dernier à Genève. 日本の鯨と海。 🐳🐋 whale!");
    model = new BpeTrainer(800, 2).train(docs);
    file = dir.resolve("tokenizer.json");
    model.write(file);
  }

  @Test
  void nativeIdsEqualTheTrainersOwnEncoding() throws IOException {
    String text =
        String.join("\n\n", BpeTrainerTest.mobyDick(40_000))
            + "\nLe café, 日本, 🐳 and   spaces\t\ttabs  \n";
    try (HfTokenizer tok = HfTokenizer.load(file)) {
      int[] ids = tok.encode(text);
      assertThat(ids).isEqualTo(model.encode(text));
      // Learned merges are used: far fewer ids than bytes.
      assertThat(ids.length).isLessThan(text.length() / 2);
    }
  }

  @Test
  void handMadeCorpusGivesThePredictedIds() throws IOException {
    Path small = dir.resolve("small.json");
    new BpeTrainer(300, 2).train(List.of("ab ab ab ab cd")).write(small);
    try (HfTokenizer tok = HfTokenizer.load(small)) {
      assertThat(tok.encode("ab ab cd"))
          .containsExactly(
              260, 261, BpeTrainerTest.id(' '), BpeTrainerTest.id('c'), BpeTrainerTest.id('d'));
      assertThat(tok.vocabSize()).isEqualTo(262);
    }
  }

  @Test
  void roundTripsAsciiAndNonAsciiText() throws IOException {
    List<String> texts =
        List.of(
            "Call me Ishmael. Some years ago—never mind how long precisely—",
            "café, naïve résumé; Ærøskøbing",
            "日本語のテキスト、鯨。",
            "emoji 🐳🚢 and a family 👩‍👩‍👧 (ZWJ)",
            "  leading and trailing spaces  \n\n\tand tabs\r\n",
            "");
    try (HfTokenizer tok = HfTokenizer.load(file)) {
      for (String t : texts) {
        int[] ids = tok.encode(t);
        assertThat(tok.decode(ids)).as(t).isEqualTo(t);
        assertThat(ids).as(t).isEqualTo(model.encode(t));
      }
    }
  }

  @Test
  void longTextIsNotTruncated() throws IOException {
    String text = "the whale ".repeat(2000);
    try (HfTokenizer tok = HfTokenizer.load(file)) {
      int[] ids = tok.encode(text);
      assertThat(ids.length).isGreaterThan(2000);
      assertThat(tok.decode(ids)).isEqualTo(text);
      assertThat(tok.encodeBatch(List.of(text, "x")))
          .isDeepEqualTo(new int[][] {ids, tok.encode("x")});
    }
  }

  @Test
  void readsVocabularySizeAndSpecialTokens() throws IOException {
    try (HfTokenizer tok = HfTokenizer.load(file)) {
      assertThat(tok.vocabSize()).isEqualTo(800);
      assertThat(tok.specialTokens()).isEqualTo(SpecialTokens.defaults());
      assertThat(tok.file()).isEqualTo(file);
      // A special token in the text is matched as such and left out by decode.
      int[] ids = tok.encode("a</s>b");
      assertThat(ids).containsExactly(BpeTrainerTest.id('a'), 3, BpeTrainerTest.id('b'));
      assertThat(tok.decode(ids)).isEqualTo("ab");
      assertThatThrownBy(() -> tok.decode(new int[] {800}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("800");
    }
  }

  @Test
  void loadsAnOrdinaryWordLevelFileWithSpecialTokensInItsVocabulary() throws IOException {
    Path wl = dir.resolve("wordlevel.json");
    Files.writeString(
        wl,
        """
        {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
         "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null,
         "decoder": null,
         "model": {"type": "WordLevel", "unk_token": "<unk>",
                   "vocab": {"<unk>": 0, "<pad>": 1, "</s>": 2, "<s>": 3, "hello": 4, "world": 5}}}
        """);
    try (HfTokenizer tok = HfTokenizer.load(wl)) {
      assertThat(tok.specialTokens()).isEqualTo(new SpecialTokens(1, 0, 3, 2));
      assertThat(tok.vocabSize()).isEqualTo(6);
      assertThat(tok.encode("hello world moon")).containsExactly(4, 5, 0);
    }
  }

  @Test
  void missingSpecialTokenOrFileFailsNamingTheFile() throws IOException {
    Path wl = dir.resolve("no-eos.json");
    Files.writeString(
        wl,
        """
        {"version": "1.0", "added_tokens": [], "pre_tokenizer": {"type": "Whitespace"},
         "model": {"type": "WordLevel", "unk_token": "<unk>",
                   "vocab": {"<unk>": 0, "<pad>": 1, "<s>": 2, "hello": 3}}}
        """);
    assertThatThrownBy(() -> HfTokenizer.load(wl))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(wl.toString())
        .hasMessageContaining("</s>");
    Path none = dir.resolve("absent.json");
    assertThatThrownBy(() -> HfTokenizer.load(none))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining(none.toString());
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{ not json");
    assertThatThrownBy(() -> HfTokenizer.load(bad))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(bad.toString());
  }
}
