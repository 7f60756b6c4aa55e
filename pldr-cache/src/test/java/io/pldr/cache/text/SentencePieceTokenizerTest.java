package io.pldr.cache.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.api.text.SpecialTokens;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper's kind of SentencePiece model against golden files of Debian's {@code spm_encode}. */
class SentencePieceTokenizerTest {
  private static Path golden(String name) throws URISyntaxException {
    return Path.of(SentencePieceTokenizerTest.class.getResource("/sentencepiece/" + name).toURI());
  }

  private static List<String> lines(String name) throws IOException, URISyntaxException {
    return Files.readAllLines(golden(name), StandardCharsets.UTF_8);
  }

  @Test
  void encodesLikeSpmEncode() throws Exception {
    List<String> inputs = lines("input.txt");
    List<String> ids = lines("ids.txt");
    assertThat(ids).hasSameSizeAs(inputs);
    try (SentencePieceTokenizer tok = SentencePieceTokenizer.load(golden("tokenizer.model"))) {
      for (int i = 0; i < inputs.size(); i++) {
        int[] expected =
            Arrays.stream(ids.get(i).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
        assertThat(tok.encode(inputs.get(i)))
            .as("line %d: %s", i + 1, inputs.get(i))
            .containsExactly(expected);
      }
    }
  }

  @Test
  void decodesLikeSpmDecode() throws Exception {
    List<String> ids = lines("ids.txt");
    List<String> decoded = lines("decoded.txt");
    try (SentencePieceTokenizer tok = SentencePieceTokenizer.load(golden("tokenizer.model"))) {
      for (int i = 0; i < ids.size(); i++) {
        int[] line =
            Arrays.stream(ids.get(i).trim().split(" ")).mapToInt(Integer::parseInt).toArray();
        assertThat(tok.decode(line)).as("line %d", i + 1).isEqualTo(decoded.get(i));
      }
    }
  }

  @Test
  void piecesAreThoseOfSpmEncode() throws Exception {
    List<String> ids = lines("ids.txt");
    List<String> pieces = lines("pieces.txt");
    try (SentencePieceTokenizer tok = SentencePieceTokenizer.load(golden("tokenizer.model"))) {
      for (int i = 0; i < ids.size(); i++) {
        String[] id = ids.get(i).trim().split(" ");
        String[] piece = pieces.get(i).trim().split(" ");
        assertThat(id).hasSameSizeAs(piece);
        for (int j = 0; j < id.length; j++) {
          assertThat(tok.piece(Integer.parseInt(id[j]))).isEqualTo(piece[j]);
        }
      }
    }
  }

  @Test
  void bracketedPiecesAreTheSpecialTokens() throws Exception {
    try (SentencePieceTokenizer tok = SentencePieceTokenizer.load(golden("tokenizer.model"))) {
      assertThat(tok.vocabSize()).isEqualTo(1000);
      assertThat(tok.specialTokens()).isEqualTo(new SpecialTokens(0, 1, 2, 3));
      assertThat(tok.piece(0)).isEqualTo("[PAD]");
      assertThat(tok.piece(1)).isEqualTo("[UNK]");
      assertThat(tok.piece(2)).isEqualTo("[START]");
      assertThat(tok.piece(3)).isEqualTo("[END]");
      // control pieces are never produced from text and decode to nothing
      assertThat(tok.encode("[START]")).doesNotContain(0, 2, 3);
      assertThat(tok.decode(new int[] {2, 3})).isEmpty();
    }
  }

  @Test
  void aFileThatIsNoModelFailsNamingIt(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("tokenizer.model");
    Files.writeString(bad, "{\"version\": \"1.0\"}");
    assertThatThrownBy(() -> Tokenizers.load(bad))
        .hasMessageContaining(bad.toString())
        .hasMessageContaining("SentencePiece");
    Path other = dir.resolve("vocab.txt");
    Files.writeString(other, "a\nb\n");
    assertThatThrownBy(() -> Tokenizers.load(other))
        .hasMessageContaining(other.toString())
        .hasMessageContaining(".model");
  }
}
