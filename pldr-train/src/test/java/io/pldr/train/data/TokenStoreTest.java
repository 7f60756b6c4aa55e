package io.pldr.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pldr.cache.text.HfTokenizer;
import io.pldr.train.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  @TempDir Path dir;

  private Corpus twoDocs() throws IOException {
    Path f = dir.resolve("in.txt");
    Files.writeString(f, "ab\n\ncé");
    return Corpus.ofFiles(List.of(f), "text");
  }

  static int[] all(TokenSequence t) {
    int[] out = new int[Math.toIntExact(t.size())];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.get(i);
    }
    return out;
  }

  @Test
  void writesLittleEndianUint16IdsWithEndOfTextAfterEachDocument() throws IOException {
    Path bin = dir.resolve("t.bin");
    TokenStore.Stats stats = TokenStore.encode(twoDocs(), FakeTokenizer.bytes(), bin);

    // "ab" -> 4+97, 4+98; "cé" -> 4+99, 4+0xC3, 4+0xA9; eos 3 after each.
    int[] expected = {101, 102, 3, 103, 199, 173, 3};
    assertThat(stats.tokens()).isEqualTo(7);
    assertThat(stats.documents()).isEqualTo(2);
    assertThat(stats.width()).isEqualTo(TokenFile.Width.UINT16);
    byte[] raw = Files.readAllBytes(bin);
    assertThat(raw).hasSize(14);
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    for (int id : expected) {
      assertThat(Short.toUnsignedInt(b.getShort())).isEqualTo(id);
    }
    assertThat(all(TokenFile.open(bin, TokenFile.Width.UINT16))).containsExactly(expected);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("in.txt", "t.bin");
    }
  }

  @Test
  void picksUint16UpTo65536IdsAndInt32Above() throws IOException {
    assertThat(TokenFile.Width.forVocabSize(65536)).isEqualTo(TokenFile.Width.UINT16);
    assertThat(TokenFile.Width.forVocabSize(65537)).isEqualTo(TokenFile.Width.INT32);

    // Byte 0xFF becomes id 65535: stored in 16 bits and read back unsigned.
    Path u16 = dir.resolve("u16.bin");
    Path f = dir.resolve("ff.txt");
    Files.write(f, new byte[] {'a'});
    TokenStore.encode(
        Corpus.ofFiles(List.of(f), "text"), new FakeTokenizer(65535 - 'a', 65536), u16);
    assertThat(Files.size(u16)).isEqualTo(4);
    assertThat(all(TokenFile.open(u16, TokenFile.Width.UINT16))).containsExactly(65535, 3);

    Path i32 = dir.resolve("i32.bin");
    TokenStore.Stats s = TokenStore.encode(twoDocs(), new FakeTokenizer(70_000, 70_256), i32);
    assertThat(s.width()).isEqualTo(TokenFile.Width.INT32);
    assertThat(Files.size(i32)).isEqualTo(4 * 7);
    assertThat(all(TokenFile.open(i32, TokenFile.Width.INT32)))
        .containsExactly(70_097, 70_098, 3, 70_099, 70_195, 70_169, 3);
  }

  @Test
  void aSecondOpenReusesTheCachedFileWithoutEncoding() throws IOException {
    Corpus corpus = twoDocs();
    TokenStore store = new TokenStore(dir.resolve("cache"));
    FakeTokenizer first = FakeTokenizer.bytes();
    TokenFile a = store.open(corpus, first, "tok-1");
    assertThat(first.encodeCalls.get()).isEqualTo(2);
    BasicFileAttributes before = Files.readAttributes(a.path(), BasicFileAttributes.class);

    FakeTokenizer second = FakeTokenizer.bytes();
    TokenFile b =
        store.open(Corpus.ofFiles(List.of(dir.resolve("in.txt")), "text"), second, "tok-1");
    assertThat(second.encodeCalls.get()).isZero();
    assertThat(b.path()).isEqualTo(a.path());
    BasicFileAttributes after = Files.readAttributes(b.path(), BasicFileAttributes.class);
    assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
    assertThat(after.fileKey()).isEqualTo(before.fileKey());
    assertThat(all(b)).containsExactly(all(a));

    // Another tokenizer or changed text gives another entry.
    assertThat(store.open(corpus, second, "tok-2").path()).isNotEqualTo(a.path());
    Files.writeString(dir.resolve("in.txt"), "ab\n\ncé\n\nd");
    TokenFile c =
        store.open(Corpus.ofFiles(List.of(dir.resolve("in.txt")), "text"), second, "tok-1");
    assertThat(c.path()).isNotEqualTo(a.path());
    assertThat(c.size()).isEqualTo(9);
  }

  @Test
  void anEntryWithoutItsDescriptionIsEncodedAgain() throws IOException {
    Corpus corpus = twoDocs();
    TokenStore store = new TokenStore(dir.resolve("cache"));
    TokenFile a = store.open(corpus, FakeTokenizer.bytes(), "t");
    Files.delete(a.path().resolveSibling(TokenStore.METADATA_FILE));
    Files.write(a.path(), new byte[] {1, 0});

    FakeTokenizer again = FakeTokenizer.bytes();
    TokenFile b = store.open(corpus, again, "t");
    assertThat(again.encodeCalls.get()).isEqualTo(2);
    assertThat(b.size()).isEqualTo(7);
    assertThat(Files.exists(b.path().resolveSibling(TokenStore.METADATA_FILE))).isTrue();
  }

  @Test
  void theHfTokenizerCacheKeyIsTheTokenizerFileContent() throws IOException {
    Path tokFile = dir.resolve("tok.json");
    new BpeTrainer(300, 2).train(List.of("the whale the whale the sea")).write(tokFile);
    Corpus corpus = twoDocs();
    TokenStore store = new TokenStore(dir.resolve("cache"));
    try (HfTokenizer tok = HfTokenizer.load(tokFile)) {
      TokenFile t = store.open(corpus, tok);
      assertThat(t.path().getParent())
          .isEqualTo(store.entryDir(corpus, Fingerprint.ofFile(tokFile)));
      List<Integer> expected = new ArrayList<>();
      try (Stream<String> docs = corpus.documents()) {
        docs.forEach(
            d -> {
              for (int id : tok.encode(d)) {
                expected.add(id);
              }
              expected.add(3);
            });
      }
      assertThat(all(t)).containsExactly(expected.stream().mapToInt(i -> i).toArray());
    }
  }

  @Test
  void outOfRangeIdsAndTruncatedFilesAreRejected() throws IOException {
    Path bin = dir.resolve("bad.bin");
    assertThatThrownBy(() -> TokenStore.encode(twoDocs(), new FakeTokenizer(4, 100), bin))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("[0, 100)");
    assertThat(Files.exists(bin)).isFalse();
    Path odd = Files.write(dir.resolve("odd.bin"), new byte[] {1, 2, 3});
    assertThatThrownBy(() -> TokenFile.open(odd, TokenFile.Width.UINT16))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("3 bytes");
    Path one = Files.write(dir.resolve("one.bin"), new byte[] {1, 2});
    TokenFile t = TokenFile.open(one, TokenFile.Width.forVocabSize(10));
    assertThat(t.get(0)).isEqualTo(0x0201);
    assertThatThrownBy(() -> t.get(1))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining(one.toString());
  }
}
