package io.pldr.train.ablation;

import com.google.inject.Injector;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.cache.PretrainedModel;
import io.pldr.tf.inject.Components;
import io.pldr.train.loop.Trainer;
import io.pldr.train.loop.TrainingSummary;
import io.pldr.train.observe.LossCurves;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs an ablation variant by variant, each a {@link Trainer} run in its own folder with the
 * operators its configuration installs (one injector per variant), then writes the table and the
 * plot. Every variant reads the same data in the same order ({@code data_seed} pinned by {@link
 * VariantConfigs}) for the same steps. Running again continues where a run stopped: a finished
 * variant is skipped and read back, an interrupted one resumes from its newest checkpoint exactly.
 * A transferred variant's G-cache is written from its source variant's final checkpoint before it
 * trains.
 */
public final class AblationRunner {
  private final Function<ModelConfig, Injector> injectors;
  private final Path cacheDir;
  private final PrintWriter log;

  /**
   * A runner taking each variant's injector from {@code injectors} (e.g. {@code
   * PldrInjectors::forConfig}), caching tokenizers and token files in {@code cacheDir}, and
   * printing a line per variant to {@code log}.
   */
  public AblationRunner(Function<ModelConfig, Injector> injectors, Path cacheDir, PrintWriter log) {
    this.injectors = injectors;
    this.cacheDir = cacheDir;
    this.log = log;
  }

  /**
   * Trains the variants named in {@code only} (every variant when empty), in the file's order, and
   * writes the table and plot of every finished variant.
   */
  public AblationReport run(Ablation ablation, Collection<String> only) throws IOException {
    List<PlannedVariant> selected = select(ablation, only);
    Map<String, Injector> injected = new LinkedHashMap<>();
    for (PlannedVariant v : selected) {
      injected.put(v.name(), injector(ablation, v));
    }
    Map<String, TrainingSummary> trained = new LinkedHashMap<>();
    int k = 0;
    for (PlannedVariant v : selected) {
      String head = String.format("[%d/%d] %s (%s)", ++k, selected.size(), v.name(), v.operator());
      VariantFolder folder = new VariantFolder(v);
      if (folder.finished()) {
        log.printf(
            "%s: finished earlier (%d steps) in %s, kept%n",
            head, v.config().getSteps(), v.outDir());
        continue;
      }
      if (v.gCache().isPresent()) {
        writeGCache(ablation, v, v.gCache().get());
      }
      long step = folder.step();
      if (step > 0) {
        log.printf(
            "%s: resuming at step %d of %d in %s%n", head, step, v.config().getSteps(), v.outDir());
      } else {
        log.printf("%s: training %d steps in %s%n", head, v.config().getSteps(), v.outDir());
      }
      log.flush();
      Trainer trainer = injected.get(v.name()).getInstance(Trainer.class);
      trained.put(v.name(), trainer.run(v.config(), step > 0, cacheDir));
    }
    return report(ablation, trained);
  }

  private static List<PlannedVariant> select(Ablation ablation, Collection<String> only) {
    for (String name : only) {
      if (ablation.variant(name).isEmpty()) {
        throw new IllegalArgumentException(
            "no variant '"
                + name
                + "' in "
                + ablation.file()
                + "; its variants: "
                + String.join(", ", ablation.names()));
      }
    }
    return ablation.variants().stream()
        .filter(v -> only.isEmpty() || only.contains(v.name()))
        .toList();
  }

  /** The variant's injector; an operator or attention it cannot find fails before training. */
  private Injector injector(Ablation ablation, PlannedVariant v) {
    ModelConfig model = v.config().getModel();
    try {
      Injector injector = injectors.apply(model);
      Components components = injector.getInstance(Components.class);
      if (v.gCache().isPresent()) {
        components.named(model); // its G-cache file is written when its turn comes
      } else {
        components.spec(model);
      }
      return injector;
    } catch (ConfigException e) {
      // Named again as a field of the variant's training configuration.
      String named = e.source() + ": " + (e.field().isEmpty() ? "" : "field '" + e.field() + "': ");
      String message =
          e.getMessage().startsWith(named)
              ? e.getMessage().substring(named.length())
              : e.getMessage();
      throw new ConfigException(
          ablation.file() + ": variant '" + v.name() + "'",
          e.field().isEmpty() ? "" : "model." + e.field(),
          message);
    }
  }

  private void writeGCache(Ablation ablation, PlannedVariant v, PlannedVariant.GCacheSource g)
      throws IOException {
    if (Files.isRegularFile(g.file())) {
      return;
    }
    PlannedVariant from = ablation.variant(g.variant()).orElseThrow();
    VariantFolder source = new VariantFolder(from);
    if (!source.finished()) {
      throw new IllegalArgumentException(
          "variant '"
              + v.name()
              + "' transfers the G-cache of '"
              + from.name()
              + "', which has not finished: train '"
              + from.name()
              + "' first");
    }
    try (PretrainedModel model = PretrainedModel.load(source.finalCheckpoint().dir())) {
      model.saveGCache(g.file(), g.prompt());
    }
    log.printf("wrote the G-cache of '%s' to %s%n", from.name(), g.file());
  }

  private AblationReport report(Ablation ablation, Map<String, TrainingSummary> trained)
      throws IOException {
    List<VariantResult> results = new ArrayList<>();
    Map<String, LossCurves> curves = new LinkedHashMap<>();
    for (PlannedVariant v : ablation.variants()) {
      VariantFolder folder = new VariantFolder(v);
      if (folder.finished()) {
        results.add(folder.result());
        curves.put(v.name(), LossCurves.fromHistory(folder.history(), "loss"));
      }
    }
    Path out = ablation.outDir();
    Path markdown = out.resolve(Ablation.MARKDOWN_FILE);
    Path csv = out.resolve(Ablation.CSV_FILE);
    Path plot = out.resolve(Ablation.PLOT_FILE);
    AblationTable.write(markdown, AblationTable.markdown(results));
    AblationTable.write(csv, AblationTable.csv(results));
    new AblationPlot("pldr ablate: " + ablation.file().getFileName()).write(plot, curves);
    return new AblationReport(results, trained, markdown, csv, plot);
  }
}
