package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input refused before any model is loaded, with a message that names the option, the file and
 * what was being done: text that is not UTF-8, negative counts, missing model folders, outputs that
 * cannot be written.
 */
class InputChecksTest {
  @TempDir Path dir;

  private Path notUtf8(String name) throws IOException {
    Path f = dir.resolve(name);
    byte[] head = "first prompt\nsecond ".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = java.util.Arrays.copyOf(head, head.length + 2);
    bytes[head.length] = (byte) 0xFF;
    bytes[head.length + 1] = '\n';
    Files.write(f, bytes);
    return f;
  }

  private Path modelFolder() throws IOException {
    return Files.createDirectories(dir.resolve("model"));
  }

  private static void refused(CliRun r, String... messages) {
    assertThat(r.status()).as(r.err()).isNotZero();
    for (String m : messages) {
      assertThat(r.err()).contains(m);
    }
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aMissingModelFolderIsNamedWithWhatWasBeingDone() throws IOException {
    Path missing = dir.resolve("no-such-run");
    refused(
        CliRun.of("generate", "--checkpoint", missing.toString(), "--prompt", "x"),
        "pldr generate: error: cannot read the model folder "
            + missing
            + " (--checkpoint): no such folder");
    Path file = Files.writeString(dir.resolve("model.bin"), "x");
    refused(
        CliRun.of("tokenize", "--checkpoint", file.toString(), "--text", "x"),
        "cannot read the model folder " + file + " (--checkpoint): it is a file, not a folder");
  }

  @Test
  void aPromptWithReplacementCharactersFromTheCommandLineIsRefusedNamingTheOption()
      throws IOException {
    String model = modelFolder().toString();
    refused(
        CliRun.of("generate", "--checkpoint", model, "--prompt", "caf\uFFFD"),
        "--prompt holds U+FFFD (the replacement character) at character 3",
        "--prompt-file");
    refused(
        CliRun.of("generate", "--checkpoint", model, "--prompt", "a", "--stop", "\uFFFD"),
        "--stop holds U+FFFD");
    refused(
        CliRun.of("tokenize", "--checkpoint", model, "--text", "\uFFFD"), "--text holds U+FFFD");
    refused(
        CliRun.of(
            "gcache",
            "--checkpoint",
            model,
            "--prompt",
            "\uFFFD",
            "--out",
            dir.resolve("g").toString()),
        "--prompt holds U+FFFD");
  }

  @Test
  void gcacheChecksItsOutBeforeLoadingTheModel() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("g.safetensors"));
    refused(
        CliRun.of(
            "gcache",
            "--checkpoint",
            dir.resolve("missing").toString(),
            "--prompt",
            "a",
            "--out",
            folder.toString()),
        "cannot write the G-cache " + folder + " (--out): it is a folder, not a file");
  }

  @Test
  void gcacheNeverWritesIntoACheckpointNorOverAnotherKindOfFile() throws IOException {
    Path checkpoint = Files.createDirectories(dir.resolve("run/checkpoints/step-00000010"));
    Files.writeString(checkpoint.resolve("state.textproto"), "step: 10\n");
    Path weights = Files.writeString(checkpoint.resolve("model.safetensors"), "weights");
    for (Path out : List.of(weights, checkpoint.resolve("gcache.safetensors"))) {
      refused(
          CliRun.of(
              "gcache",
              "--checkpoint",
              dir.resolve("missing").toString(),
              "--prompt",
              "a",
              "--out",
              out.toString()),
          checkpoint + " is a checkpoint folder");
    }
    assertThat(Files.readString(weights)).isEqualTo("weights");
    Path notes = Files.writeString(dir.resolve("notes.txt"), "mine");
    refused(
        CliRun.of(
            "gcache",
            "--checkpoint",
            dir.resolve("missing").toString(),
            "--prompt",
            "a",
            "--out",
            notes.toString()),
        "cannot write the G-cache " + notes + " (--out): a file that is not the G-cache is there");
    assertThat(Files.readString(notes)).isEqualTo("mine");
  }

  @Test
  void textFilesThatAreNotUtf8AreRefusedNamingFileLineAndByte() throws IOException {
    String model = modelFolder().toString();
    Path prompt = notUtf8("prompt.txt");
    String where = ": line 2 (byte 20) is not valid UTF-8 (byte 0xFF)";
    refused(
        CliRun.of("generate", "--checkpoint", model, "--prompt-file", prompt.toString()),
        "cannot read the prompt file (--prompt-file) " + prompt + where);
    refused(
        CliRun.of("tokenize", "--checkpoint", model, "--file", prompt.toString()),
        "cannot read the text file (--file) " + prompt + where);
    refused(
        CliRun.of("deductive-report", "--checkpoint", model, "--prompts", prompt.toString()),
        "cannot read the prompts file (--prompts) " + prompt + where);
  }

  @Test
  void negativeCountsAreRefusedNamingTheOption() throws IOException {
    String model = modelFolder().toString();
    Path prompts = Files.writeString(dir.resolve("p.txt"), "a\nb\n");
    refused(
        CliRun.of(
            "deductive-report",
            "--checkpoint",
            model,
            "--prompts",
            prompts.toString(),
            "--continuation",
            "-1"),
        "pldr deductive-report: error: --continuation must be 0 or more, found -1");
    refused(
        CliRun.of("generate", "--checkpoint", model, "--prompt", "a", "--max-new-tokens", "-5"),
        "--max-new-tokens must be 1 or more, found -5");
    refused(
        CliRun.of("generate", "--checkpoint", model, "--prompt", "a", "--top-k", "-1"),
        "--top-k must be 0 or more, found -1");
    refused(
        CliRun.of("eval", "--checkpoint", model, "--data", dir.toString(), "--limit", "-1"),
        "--limit must be 0 or more, found -1");
    refused(
        CliRun.of("eval", "--checkpoint", model, "--data", dir.toString(), "--batch", "0"),
        "--batch must be 1 or more, found 0");
    refused(CliRun.of("bench", "decode", "--rounds", "0"), "--rounds must be 1 or more, found 0");
    refused(
        CliRun.of("generate", "--checkpoint", model, "--prompt", "a", "--weights", "fp16"),
        "--weights: unknown weight format 'fp16': expected one of float32, bfloat16, int8");
    refused(
        CliRun.of("bench", "decode", "--weights", "float32,int4"),
        "--weights: unknown weight format 'int4': expected one of float32, bfloat16, int8");
    refused(
        CliRun.of("bench", "decode", "--weights", "int8,int8"),
        "--weights names int8 twice; expected each value once, found [int8, int8]");
    refused(
        CliRun.of("bench", "train", "--precision", "bf16"),
        "--precision must be float32 or bf16_mixed, found 'bf16'");
    refused(
        CliRun.of("bench", "serve", "--new-tokens", "-3"),
        "--new-tokens must be 1 or more, found -3");
    refused(
        CliRun.of("bench", "serve", "--clients", "1,16,1"),
        "--clients names 1 twice; expected each value once, found [1, 16, 1]");
    refused(CliRun.of("bench", "serve", "--warmup", "-1"), "--warmup must be 0 or more, found -1");
    refused(
        CliRun.of("train", "--config", "x.textproto", "--steps", "-2"),
        "--steps must be 1 or more, found -2");
    refused(CliRun.of("bench", "train", "--workers", "0"), "--workers must be 1 or more, found 0");
  }

  @Test
  void evalChecksItsOutputFolderBeforeReadingOrScoringAnything() throws IOException {
    String model = modelFolder().toString();
    Path file = Files.writeString(dir.resolve("report"), "not a folder");
    Path noData = dir.resolve("no-data"); // reading the tasks would fail: the check comes first
    refused(
        CliRun.of(
            "eval", "--checkpoint", model, "--data", noData.toString(), "--out", file.toString()),
        "pldr eval: error: cannot write the eval report "
            + file
            + " (--out): it is a file, not a folder");
    Path under = file.resolve("eval");
    refused(
        CliRun.of(
            "eval", "--checkpoint", model, "--data", noData.toString(), "--out", under.toString()),
        "cannot write the eval report in "
            + under
            + " (--out): "
            + file
            + " is a file, not a folder");
  }

  @Test
  void theDeductiveReportChecksItsJsonPathBeforeLoadingTheModel() throws IOException {
    Path prompts = Files.writeString(dir.resolve("p.txt"), "a\nb\n");
    Path folder = Files.createDirectories(dir.resolve("out.json"));
    refused(
        CliRun.of(
            "deductive-report",
            "--checkpoint",
            dir.resolve("missing").toString(),
            "--prompts",
            prompts.toString(),
            "--json",
            folder.toString()),
        "cannot write the report " + folder + " (--json): it is a folder, not a file");
  }

  @Test
  void exportAndImportRefuseAnOutThatIsAFile() throws IOException {
    String model = modelFolder().toString();
    Path file = Files.writeString(dir.resolve("out"), "x");
    refused(
        CliRun.of("export", "--checkpoint", model, "--out", file.toString()),
        "cannot write the exported model " + file + " (--out): it is a file, not a folder");
    refused(
        CliRun.of("import", "--from", model, "--out", file.toString()),
        "cannot write the imported run " + file + " (--out): it is a file, not a folder");
  }
}
