package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.score.Scorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./pldr eval} on a tiny trained model, and its errors. */
class EvalCommandTest {
  private static final String ARC =
      """
      {"id": "1", "question": "What does the whale follow?", "choices": {"text": ["the ship", "the sea", "a calm"], "label": ["A", "B", "C"]}, "answerKey": "A"}
      {"id": "2", "question": "How is the sea?", "choices": {"text": ["calm", "the whale"], "label": ["A", "B"]}, "answerKey": "A"}
      """;
  private static final String PIQA =
      """
      {"goal": "To follow the ship,", "sol1": "the whale swims behind it.", "sol2": "the sea is calm.", "label": 0}
      {"goal": "When the sea is calm,", "sol1": "the whale follows.", "sol2": "the ship and the sea.", "label": 0}
      """;
  private static final String LAMBADA =
      """
      {"text": "the whale follows the ship and the sea is calm"}
      {"text": "the sea is calm and the whale follows the ship"}
      """;

  @TempDir static Path dir;
  private static Path run;
  private static Path data;

  @BeforeAll
  static void trainTinyModel() throws Exception {
    run = TinyTraining.train(dir);
    data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("arc_easy.jsonl"), ARC);
    Files.writeString(data.resolve("piqa.jsonl"), PIQA);
    Files.writeString(data.resolve("lambada_openai.jsonl"), LAMBADA);
  }

  private static CliRun eval(Path dataDir, Path out, String... extra) {
    String[] base = {
      "eval", "--checkpoint", run.toString(), "--data", dataDir.toString(), "--out", out.toString()
    };
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return CliRun.of(args);
  }

  @Test
  void printsThePapersTableWithAndWithoutGCacheAndWritesJsonAndMarkdown() throws Exception {
    Path out = dir.resolve("out-both");
    CliRun r = eval(data, out, "--tasks", "piqa,arc_easy,lambada_openai");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("| Model | Setting | ARC-e | PIQA | LAMBADA | Avg. | LAMBADA ppl |")
        .contains("| run/step-00000006 | G-cache (kv_g) |")
        .contains("| run/step-00000006 | no cache |")
        .contains("| run/step-00000006 | difference |")
        .contains("wrote " + out.resolve("eval.json"));
    assertThat(r.err())
        .contains("eval arc_easy, g_cache: 2 documents in")
        .contains("eval lambada_openai, no_cache: 2 documents in");
    JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("eval.json")));
    assertThat(j.at("/header/format").asText()).isEqualTo("pldr-eval");
    assertThat(j.at("/header/details/tensor_operator").asText()).isEqualTo("learned");
    assertThat(j.at("/settings/0/tasks/2/metrics/perplexity/value").asDouble()).isPositive();
    assertThat(j.at("/comparisons/1/task").asText()).isEqualTo("piqa");
    assertThat(Files.readString(out.resolve("eval.md")))
        .isEqualTo(r.out().substring(0, r.out().indexOf("wrote ")));
  }

  @Test
  void gCacheAloneIsOneRowWithoutDifference() {
    CliRun r =
        eval(
            data,
            dir.resolve("out-g"),
            "--tasks",
            "arc_easy",
            "--settings",
            "g_cache",
            "--limit",
            "1");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("| G-cache (kv_g) |")
        .doesNotContain("no cache")
        .doesNotContain("difference")
        .contains("ARC-e 1.");
  }

  @Test
  void aGCacheFileScoresEveryContextWithItsOneFixedGCache() throws Exception {
    Path file = dir.resolve("fixed.safetensors");
    try (PretrainedModel model = PretrainedModel.load(run)) {
      model.saveGCache(file, "the ship and the sea");
    }
    Path out = dir.resolve("out-file");
    CliRun r = eval(data, out, "--tasks", "lambada_openai", "--g-cache", file.toString());
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("| run/step-00000006 | G-cache (kv_g) |")
        .contains("| run/step-00000006 | no cache |")
        .contains("| run/step-00000006 | G-cache file (kv_g) |")
        .contains("| run/step-00000006 | difference (G-cache (kv_g) − no cache) |");
    JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("eval.json")));
    assertThat(j.at("/settings/2/setting").asText()).isEqualTo("g_cache_file");
    assertThat(j.at("/header/options/g_cache_file").asText())
        .isEqualTo(file.toAbsolutePath().toString());
    double withFile = j.at("/settings/2/tasks/0/metrics/perplexity/value").asDouble();
    double perContext = j.at("/settings/0/tasks/0/metrics/perplexity/value").asDouble();
    // LAMBADA's perplexity, exp(-mean log-likelihood of the last word), from the scorer of a
    // model loaded with the file
    double sum = 0;
    List<String> texts =
        List.of(
            "the whale follows the ship and the sea is calm",
            "the sea is calm and the whale follows the ship");
    try (PretrainedModel model = PretrainedModel.loader(run).gCache(file).load()) {
      Scorer scorer = model.scorer(true);
      for (String text : texts) {
        int last = text.lastIndexOf(' ');
        sum += scorer.score(text.substring(0, last), text.substring(last)).logLikelihood();
      }
    }
    double expected = Math.exp(-sum / texts.size());
    assertThat(withFile).isCloseTo(expected, within(1e-9 * expected));
    assertThat(Math.abs(withFile - perContext))
        .as("each context's own G-cache is another one")
        .isGreaterThan(1e-6 * expected);
  }

  @Test
  void theSettingGCacheFileNeedsAFile() {
    CliRun r = eval(data, dir.resolve("out-x"), "--tasks", "piqa", "--settings", "g_cache_file");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("the setting g_cache_file needs a G-cache file: --g-cache FILE");
  }

  @Test
  void malformedLineStopsTheRunNamingFileAndLine() throws Exception {
    Path bad = Files.createDirectories(dir.resolve("bad-stop"));
    Files.writeString(bad.resolve("piqa.jsonl"), PIQA + "{\"goal\": oops}\n");
    CliRun r = eval(bad, dir.resolve("out-bad"), "--tasks", "piqa");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("pldr eval: error: " + bad.resolve("piqa.jsonl") + " line 3: malformed JSON")
        .doesNotContain("\tat ");
  }

  @Test
  void malformedLineIsSkippedWhenChosen() throws Exception {
    Path bad = Files.createDirectories(dir.resolve("bad-skip"));
    Files.writeString(bad.resolve("piqa.jsonl"), "not json\n" + PIQA);
    CliRun r =
        eval(
            bad,
            dir.resolve("out-skip"),
            "--tasks",
            "piqa",
            "--on-bad-line",
            "skip",
            "--settings",
            "no_cache");
    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.err()).contains("pldr eval: skipped " + bad.resolve("piqa.jsonl") + " line 1:");
    assertThat(r.out()).contains("1 malformed lines skipped").contains("PIQA 2.");
  }

  @Test
  void unknownTaskListsTheKnownOnes() {
    CliRun r = eval(data, dir.resolve("out-x"), "--tasks", "arc_easy,mmlu");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("unknown task 'mmlu'; known tasks: arc_challenge, arc_easy");
  }

  @Test
  void missingTaskFileNamesThePathAndTheExpectedName() {
    CliRun r = eval(data, dir.resolve("out-x"), "--tasks", "winogrande");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .contains("no file " + data.resolve("winogrande.jsonl"))
        .contains("expected winogrande.jsonl")
        .contains("allenai/winogrande");
  }

  @Test
  void goldLabelOutOfRangeNamesFileLineAndValue() throws Exception {
    Path bad = Files.createDirectories(dir.resolve("bad-gold"));
    Files.writeString(
        bad.resolve("piqa.jsonl"), PIQA.replace("\"label\": 0}\n{", "\"label\": 2}\n{"));
    CliRun r = eval(bad, dir.resolve("out-x"), "--tasks", "piqa", "--on-bad-line", "skip");
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err())
        .contains(
            bad.resolve("piqa.jsonl")
                + " line 1: gold label 'label' = 2"
                + " is out of range: expected 0..1");
  }
}
