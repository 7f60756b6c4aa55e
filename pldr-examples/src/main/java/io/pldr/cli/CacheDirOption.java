package io.pldr.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --cache-dir} option of the commands that prepare training data. */
final class CacheDirOption {
  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Trained tokenizers and encoded corpora (default: $PLDR_CACHE_DIR or ~/.cache/pldr).")
  Path cacheDir;

  /** The given folder, else {@code $PLDR_CACHE_DIR}, else {@code ~/.cache/pldr}. */
  Path resolve() {
    if (cacheDir != null) {
      return cacheDir;
    }
    String env = System.getenv("PLDR_CACHE_DIR");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "pldr");
  }
}
