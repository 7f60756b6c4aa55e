package io.pldr.cli;

import io.pldr.api.checkpoint.CheckpointState;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.config.TrainConfig;
import io.pldr.api.tensor.HostTensor;
import io.pldr.cache.interop.HfExport;
import io.pldr.cache.interop.HfImport;
import io.pldr.tf.checkpoint.CheckpointStore;
import io.pldr.tf.checkpoint.HfCheckpoint;
import io.pldr.tf.checkpoint.HfConfig;
import io.pldr.tf.inject.PldrInjectors;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.train.data.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How long {@code pldr import} takes on a paper-size Hugging Face folder, and how much memory it
 * holds: the folder is built once (random weights, a 32,000-piece SentencePiece tokenizer) and
 * kept; each run imports it into a fresh folder with {@link HfImport#run}.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Measure `pldr import` on a paper-size Hugging Face folder: seconds, peak Java heap and"
          + " resident memory per run.",
      "",
      "The folder (DIR/hf) is built on the first run and kept: the paper's configuration (5"
          + " layers, d_model 896, 14 heads, dff 2389, A_dff 170, 8 residual units × 2 GLUs,"
          + " vocabulary 32000, context 1024; 110 M float32 parameters, 440 MB) with seeded random"
          + " weights, exported as `pldr export` does, and a SentencePiece tokenizer of 32,000"
          + " pieces: --tokenizer FILE, or one trained with spm_train (SentencePiece's command"
          + " line) on the embedded Moby-Dick text.",
      "",
      "Before each run the heap's peaks are reset after a System.gc() and the kernel's"
          + " resident high-water mark is cleared; the heap is sampled every millisecond, the"
          + " anonymous resident memory (RssAnon: not the mapped file) every 10 ms. The resident"
          + " peak counts the source file's pages as they are mapped and read."
    })
final class ImportBenchCommand implements Callable<Integer> {
  /** The paper's vocabulary, which the tokenizer must match. */
  static final int VOCAB = 32000;

  private static final double MB = 1e6;

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "target/bench-import",
      description =
          "Where the Hugging Face folder is built and kept (DIR/hf) and the imports go"
              + " (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--repeats",
      paramLabel = "N",
      defaultValue = "5",
      description = "Timed imports (default: ${DEFAULT-VALUE}).")
  int repeats;

  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description =
          "A SentencePiece tokenizer.model of 32000 pieces (pad 0, unk 1, bos 2, eos 3) for a new"
              + " folder (default: DIR/tokenizer.model, trained with spm_train if absent).")
  Path tokenizer;

  /** The paper's 110M configuration. */
  static ModelConfig paperConfig() {
    return ModelConfigs.validate(
        ModelConfig.newBuilder()
            .setNumLayers(5)
            .setDModel(896)
            .setNumHeads(14)
            .setDff(2389)
            .setVocabSize(VOCAB)
            .setADff(170)
            .setNumReslayerA(8)
            .setNumDenseA(2)
            .setMaxSeqLen(1024)
            .build(),
        "bench import");
  }

  @Override
  public Integer call() throws Exception {
    OptionChecks.atLeast("--repeats", repeats, 1);
    PrintWriter out = spec.commandLine().getOut();
    Path hf = dir.resolve("hf");
    if (!Files.isRegularFile(hf.resolve(HfCheckpoint.WEIGHTS_FILE))) {
      build(hf, out);
    } else {
      out.println("folder: " + hf + " (kept from an earlier run)");
    }
    long weights = Files.size(hf.resolve(HfCheckpoint.WEIGHTS_FILE));
    out.printf(
        Locale.ROOT,
        "model.safetensors: %.0f MB; %d timed imports; JVM max heap %.0f MB; %d processors%n",
        weights / MB,
        repeats,
        Runtime.getRuntime().maxMemory() / MB,
        Runtime.getRuntime().availableProcessors());
    out.flush();
    List<Double> seconds = new ArrayList<>();
    List<Double> heaps = new ArrayList<>();
    for (int i = 1; i <= repeats; i++) {
      Path target = dir.resolve("imported");
      deleteTree(target);
      Measurement m = measure(hf, target);
      seconds.add(m.seconds);
      heaps.add(m.peakHeap / (double) weights);
      out.printf(
          Locale.ROOT,
          "run %d: %.2f s; peak heap %.0f MB = %.2f× the weights' %.0f MB (%.0f MB in use at"
              + " the start; heap pools' peaks summed: %.0f MB; at the end %.0f MB); RSS peak %.0f MB (VmHWM; of it"
              + " anonymous, sampled every 10 ms: %.0f MB), %.0f MB at the start, %.0f MB at the"
              + " end (VmRSS)%n",
          i,
          m.seconds,
          m.peakHeap / MB,
          m.peakHeap / (double) weights,
          weights / MB,
          m.heapBefore / MB,
          m.poolPeaks / MB,
          m.heapAfter / MB,
          m.hwm / MB,
          m.anon / MB,
          m.rssBefore / MB,
          m.rssAfter / MB);
      out.flush();
      deleteTree(target);
    }
    List<Double> sorted = seconds.stream().sorted().toList();
    out.printf(
        Locale.ROOT,
        "seconds: min %.2f, median %.2f, max %.2f; peak heap / weights: max %.2f×%n",
        sorted.get(0),
        median(sorted),
        sorted.get(sorted.size() - 1),
        heaps.stream().mapToDouble(Double::doubleValue).max().orElse(0));
    out.flush();
    return 0;
  }

  private record Measurement(
      double seconds,
      long heapBefore,
      long peakHeap,
      long poolPeaks,
      long heapAfter,
      long hwm,
      long anon,
      long rssBefore,
      long rssAfter) {}

  private static Measurement measure(Path hf, Path target) throws Exception {
    var memory = ManagementFactory.getMemoryMXBean();
    List<MemoryPoolMXBean> heapPools =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    System.gc();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    clearResidentPeak();
    long rssBefore = procStatus("VmRSS");
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    long[] peak = {heapBefore, procStatus("RssAnon")};
    var done = new java.util.concurrent.atomic.AtomicBoolean();
    Thread sampler =
        new Thread(
            () -> {
              for (int tick = 0; !done.get(); tick++) {
                long used = memory.getHeapMemoryUsage().getUsed();
                long anon = tick % 10 == 0 ? procStatus("RssAnon") : -1;
                synchronized (peak) {
                  peak[0] = Math.max(peak[0], used);
                  peak[1] = Math.max(peak[1], anon);
                }
                try {
                  TimeUnit.MILLISECONDS.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long start = System.nanoTime();
    HfImport.run(hf, target);
    double seconds = (System.nanoTime() - start) / 1e9;
    done.set(true);
    sampler.join();
    long heapAfter = memory.getHeapMemoryUsage().getUsed();
    long poolPeaks = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    long peakHeap;
    long peakAnon;
    synchronized (peak) {
      peakHeap = Math.max(peak[0], heapAfter);
      peakAnon = Math.max(peak[1], procStatus("RssAnon"));
    }
    return new Measurement(
        seconds,
        heapBefore,
        peakHeap,
        poolPeaks,
        heapAfter,
        procStatus("VmHWM"),
        peakAnon,
        rssBefore,
        procStatus("VmRSS"));
  }

  /** Builds the Hugging Face folder: random weights written by pldr, exported as pldr does. */
  private void build(Path hf, PrintWriter out) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path tok = tokenizer != null ? tokenizer : dir.resolve(CheckpointStore.SENTENCEPIECE_FILE);
    if (tokenizer == null && !Files.isRegularFile(tok)) {
      trainTokenizer(tok, out);
    }
    ModelConfig config = paperConfig();
    out.println("building " + hf + ": random weights of the paper's configuration (seed 1)");
    out.flush();
    long start = System.nanoTime();
    Map<String, HostTensor> parameters;
    try (ModelGraph g = new ModelGraph(PldrInjectors.spec(config))) {
      parameters = g.initialValues(1);
    }
    Path run = dir.resolve("random-run");
    deleteTree(run);
    CheckpointState state =
        CheckpointState.newBuilder()
            .setConfig(TrainConfig.newBuilder().setModel(config).setOutDir(run.toString()))
            .build();
    new CheckpointStore(run.resolve(CheckpointStore.RUN_SUBFOLDER), 1)
        .write(state, parameters, Map.of(), tok);
    parameters = null;
    deleteTree(hf);
    HfExport.run(run, hf);
    deleteTree(run);
    out.printf(
        Locale.ROOT,
        "built %s in %.1f s (%s, %s, tokenizer %s)%n",
        hf,
        (System.nanoTime() - start) / 1e9,
        HfConfig.FILE,
        HfCheckpoint.WEIGHTS_FILE,
        tok);
    out.flush();
  }

  /**
   * Trains a 32,000-piece unigram SentencePiece model on the embedded Moby-Dick text with {@code
   * spm_train}. The text has too few distinct words for 32,000 pieces within words (spm_train
   * allows at most 15,627), so pieces may span words ({@code --split_by_whitespace=false}).
   */
  private void trainTokenizer(Path tok, PrintWriter out) throws IOException, InterruptedException {
    Path corpus = dir.resolve("moby-dick.txt");
    try (InputStream in =
        Corpus.class.getResourceAsStream(Corpus.EMBEDDED.get(Corpus.DEFAULT_EMBEDDED))) {
      Files.copy(in, corpus, StandardCopyOption.REPLACE_EXISTING);
    }
    Path prefix = dir.resolve("spm-32k");
    List<String> command =
        List.of(
            "spm_train",
            "--input=" + corpus,
            "--model_prefix=" + prefix,
            "--model_type=unigram",
            "--vocab_size=" + VOCAB,
            "--split_by_whitespace=false",
            "--byte_fallback=true",
            "--pad_id=0",
            "--unk_id=1",
            "--bos_id=2",
            "--eos_id=3",
            "--pad_piece=[PAD]",
            "--unk_piece=[UNK]",
            "--bos_piece=[START]",
            "--eos_piece=[END]",
            "--character_coverage=1.0",
            "--normalization_rule_name=identity");
    out.println("training the tokenizer: " + String.join(" ", command));
    out.flush();
    Path log = dir.resolve("spm_train.log");
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new IOException(
          "spm_train (SentencePiece's trainer) is not installed: pass --tokenizer FILE, a"
              + " SentencePiece model of "
              + VOCAB
              + " pieces",
          e);
    }
    if (p.waitFor() != 0) {
      throw new IOException("spm_train failed; its output is in " + log);
    }
    Files.move(Path.of(prefix + ".model"), tok, StandardCopyOption.REPLACE_EXISTING);
    Files.deleteIfExists(Path.of(prefix + ".vocab"));
  }

  /** Clears the kernel's resident high-water mark (VmHWM) of this process, where it can. */
  private static void clearResidentPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5", StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException ignored) {
      // not Linux, or not allowed: VmHWM then is the process's peak so far
    }
  }

  /** A {@code /proc/self/status} field in bytes, or -1. */
  private static long procStatus(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException ignored) {
      // not Linux
    }
    return -1;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
