package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pldr.api.config.Precision;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.cache.interop.HfFolder;
import io.pldr.tf.checkpoint.ReferenceCheckpoint;
import io.pldr.tf.testing.ReferenceFixture;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pldr import}, {@code export} and {@code tokenize} on Hugging Face folders. */
class InteropCommandsTest {
  @TempDir Path tmp;
  private ReferenceFixture fixture;
  private Path fixtureDir;
  private Map<String, HostTensor> weights;

  @BeforeEach
  void extract() throws IOException {
    fixture = ReferenceFixture.extractTo(Files.createDirectories(tmp.resolve("fixture")));
    fixtureDir = fixture.checkpointDir();
    weights = ReferenceCheckpoint.read(fixtureDir, Precision.FLOAT32).tensors();
  }

  private Path hf(String name) throws IOException {
    return HfFolder.fixtureFolder(tmp.resolve(name), fixtureDir);
  }

  @Test
  void importedAndDirectFoldersGenerateTheSameTextAndExportRoundTrips() throws Exception {
    Path hf = hf("hf");
    Path run = tmp.resolve("imported");
    CliRun imported = CliRun.of("import", "--from", hf.toString(), "--out", run.toString());
    assertThat(imported.status()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("imported").contains("operator learned");
    String[] gen = {
      "generate", "--prompt", "Call me", "--max-new-tokens", "12", "--temperature", "0"
    };
    CliRun direct = CliRun.of(concat(gen, "--checkpoint", hf.toString()));
    CliRun fromRun = CliRun.of(concat(gen, "--checkpoint", run.toString()));
    assertThat(direct.status()).as(direct.err()).isZero();
    assertThat(fromRun.status()).as(fromRun.err()).isZero();
    assertThat(fromRun.out()).isEqualTo(direct.out());

    Path exported = tmp.resolve("exported");
    CliRun export =
        CliRun.of("export", "--checkpoint", run.toString(), "--out", exported.toString());
    assertThat(export.status()).as(export.err()).isZero();
    assertThat(export.out()).contains("custom_G_type null");
    CliRun again = CliRun.of(concat(gen, "--checkpoint", exported.toString()));
    assertThat(again.out()).isEqualTo(direct.out());
    CliRun refused =
        CliRun.of("export", "--checkpoint", run.toString(), "--out", exported.toString());
    assertThat(refused.status()).isEqualTo(1);
    assertThat(refused.err()).contains(exported.toString()).contains("not an empty folder");
  }

  /** gcache, convert-gi and deductive-report take a Hugging Face folder as --checkpoint. */
  @Test
  void theCheckpointCommandsReadAHuggingFaceFolder() throws Exception {
    Path hf = hf("hf-cmds");
    Path g = tmp.resolve("g.safetensors");
    CliRun gcache =
        CliRun.of(
            "gcache", "--checkpoint", hf.toString(), "--prompt", "Call me", "--out", g.toString());
    assertThat(gcache.status()).as(gcache.err()).isZero();
    Path gi = tmp.resolve("gi");
    CliRun convert =
        CliRun.of(
            "convert-gi",
            "--checkpoint",
            hf.toString(),
            "--g-cache",
            g.toString(),
            "--out",
            gi.toString());
    assertThat(convert.status()).as(convert.err()).isZero();
    assertThat(convert.out()).contains("operator external");
    String[] gen = {
      "generate", "--prompt", "The sea", "--max-new-tokens", "8", "--temperature", "0"
    };
    CliRun fixed = CliRun.of(concat(gen, "--checkpoint", hf.toString(), "--g-cache", g.toString()));
    CliRun converted = CliRun.of(concat(gen, "--checkpoint", gi.toString()));
    assertThat(converted.status()).as(converted.err()).isZero();
    assertThat(converted.out()).isEqualTo(fixed.out());
    Path prompts = tmp.resolve("prompts.txt");
    Files.writeString(prompts, "Call me Ishmael.\nThe whale surfaced.\nSome years ago\n");
    CliRun report =
        CliRun.of(
            "deductive-report", "--checkpoint", hf.toString(), "--prompts", prompts.toString());
    assertThat(report.status()).as(report.err()).isZero();
    assertThat(report.out()).contains("G_LM");
  }

  @Test
  void tokenizePrintsTheIdsOfSpmEncode() throws Exception {
    Path dir = hf("tok");
    Path golden = golden();
    Files.copy(
        golden.resolve("tokenizer.model"),
        dir.resolve("tokenizer.model"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CliRun r =
        CliRun.of(
            "tokenize",
            "--checkpoint",
            dir.toString(),
            "--file",
            golden.resolve("input.txt").toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out().lines().toList())
        .isEqualTo(
            Files.readAllLines(golden.resolve("ids.txt")).stream().map(String::trim).toList());
    CliRun text =
        CliRun.of("tokenize", "--checkpoint", dir.toString(), "--text", "Call me Ishmael.");
    assertThat(text.out().trim())
        .isEqualTo(Files.readAllLines(golden.resolve("ids.txt")).get(0).trim());
  }

  @Test
  void referenceRunReadsAHuggingFaceFolderAsTheReferenceCheckpoint() throws Exception {
    Path inputs = fixture.ioFile();
    Path a = tmp.resolve("a.safetensors");
    Path b = tmp.resolve("b.safetensors");
    CliRun ref =
        CliRun.of(
            "reference-run",
            "--checkpoint",
            fixtureDir.toString(),
            "--io",
            inputs.toString(),
            "--out",
            a.toString());
    CliRun hf =
        CliRun.of(
            "reference-run",
            "--checkpoint",
            hf("hf-ref").toString(),
            "--io",
            inputs.toString(),
            "--out",
            b.toString());
    assertThat(ref.status()).as(ref.err()).isZero();
    assertThat(hf.status()).as(hf.err()).isZero();
    Map<String, HostTensor> expected = io.pldr.tf.io.Safetensors.read(a).tensors();
    Map<String, HostTensor> got = io.pldr.tf.io.Safetensors.read(b).tensors();
    assertThat(got.keySet()).isEqualTo(expected.keySet());
    for (String k : expected.keySet()) {
      assertThat(got.get(k).maxAbsDiff(expected.get(k))).as(k).isZero();
    }
  }

  // ---- bad input: one clear line naming the file and the field or tensor, nothing written ----

  private void refused(Path from, String... expected) throws IOException {
    Path out = tmp.resolve("out-" + from.getFileName());
    CliRun r = CliRun.of("import", "--from", from.toString(), "--out", out.toString());
    assertThat(r.status()).as(r.out()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("pldr import: error: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    for (String e : expected) {
      assertThat(r.err()).contains(e);
    }
    assertThat(out).doesNotExist();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
  }

  private Path withConfig(String name, Consumer<ObjectNode> edit) throws IOException {
    Path dir = hf(name);
    ObjectNode config = HfFolder.fixtureConfig();
    edit.accept(config);
    HfFolder.writeConfigAndTokenizer(dir, config);
    return dir;
  }

  @Test
  void anotherModelTypeIsRefused() throws Exception {
    refused(
        withConfig("llama", c -> c.put("model_type", "llama")),
        "config.json",
        "model_type",
        "'llama'",
        "pldrllm");
  }

  @Test
  void aMissingFieldIsRefused() throws Exception {
    refused(
        withConfig("missing", c -> c.remove("num_hidden_layers")),
        "config.json",
        "num_hidden_layers",
        "missing");
  }

  @Test
  void hiddenSizeMustBeHeadsTimesHeadDim() throws Exception {
    refused(
        withConfig("heads", c -> c.put("head_dim", 32)), "config.json", "hidden_size", "4 × 32");
  }

  @Test
  void aVocabSizeOtherThanTheEmbeddingsIsRefused() throws Exception {
    refused(
        withConfig("vocab", c -> c.put("vocab_size", 300)),
        "model.safetensors",
        "decoder.embedding.weight",
        "[300, 64]");
  }

  @Test
  void aTokenizerOfAnotherVocabularyIsRefused() throws Exception {
    Path dir = hf("tokvocab");
    Path golden = golden().resolve("tokenizer.model");
    Files.copy(
        golden, dir.resolve("tokenizer.model"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    refused(dir, "tokenizer.model", "1000 ids", "vocab_size is 256");
  }

  @Test
  void unsupportedValuesAreRefused() throws Exception {
    refused(
        withConfig("scaling", c -> c.putObject("rope_scaling").put("rope_type", "linear")),
        "rope_scaling",
        "not supported");
    refused(
        withConfig("tied", c -> c.put("tie_word_embeddings", true)),
        "tie_word_embeddings",
        "not supported");
    refused(
        withConfig("gtype", c -> c.put("custom_G_type", "learned")),
        "custom_G_type",
        "\"learned\"",
        "\"identity\"");
    refused(withConfig("act", c -> c.put("hidden_act", "gelu")), "hidden_act", "'gelu'", "silu");
  }

  @Test
  void anIndexNamingAMissingShardIsRefused() throws Exception {
    Path dir = hf("shards");
    Files.delete(dir.resolve("model.safetensors"));
    Files.writeString(
        dir.resolve("model.safetensors.index.json"),
        "{\"metadata\": {}, \"weight_map\": {\"final_layer.bias\": \"model-00001-of-00002.safetensors\"}}");
    refused(
        dir,
        "model.safetensors.index.json",
        "model-00001-of-00002.safetensors",
        "final_layer.bias",
        "no such file");
  }

  @Test
  void aTensorOfTheWrongShapeOrDtypeIsRefused() throws Exception {
    Map<String, HostTensor> bad = new LinkedHashMap<>(weights);
    bad.put("final_layer.bias", HostTensor.wrapFloats(Shape.of(255), new float[255]));
    Path shape = hf("shape");
    HfFolder.writeSafetensors(shape.resolve("model.safetensors"), bad, "F32");
    refused(shape, "model.safetensors", "final_layer.bias", "[255]", "expected [256]");

    Path dtype = hf("dtype");
    HfFolder.writeSafetensors(
        dtype.resolve("model.safetensors"), weights, "F32", Map.of("final_layer.bias", "F64"));
    refused(dtype, "model.safetensors", "final_layer.bias", "F64", "expected F32, BF16 or F16");
  }

  @Test
  void aTruncatedWeightsFileIsRefused() throws Exception {
    Path dir = hf("truncated");
    Path file = dir.resolve("model.safetensors");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1000);
    }
    refused(dir, "model.safetensors", "within the file");
  }

  @Test
  void aTokenizerModelThatIsNoSentencePieceModelIsRefused() throws Exception {
    Path dir = hf("notsp");
    Files.writeString(dir.resolve("tokenizer.model"), "{\"version\": \"1.0\", \"model\": {}}");
    refused(dir, "tokenizer.model", "SentencePiece");
  }

  /** The SentencePiece golden files (from pldr-cache's test jar), copied out. */
  private Path golden() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("golden"));
    for (String f : new String[] {"tokenizer.model", "input.txt", "ids.txt"}) {
      try (var in = InteropCommandsTest.class.getResourceAsStream("/sentencepiece/" + f)) {
        Files.copy(in, dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
