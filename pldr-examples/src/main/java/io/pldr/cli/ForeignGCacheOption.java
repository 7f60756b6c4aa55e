package io.pldr.cli;

import io.pldr.cache.PretrainedModel;
import io.pldr.tf.io.GCacheFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --allow-foreign-g-cache} of the commands that take {@code --g-cache FILE}: use a G-cache
 * inferred from another model on purpose.
 */
final class ForeignGCacheOption {
  @Option(
      names = GCacheFile.ALLOW_FOREIGN_OPTION,
      description =
          "Use the --g-cache file even if it was inferred from another model of the same shape"
              + " (a transfer experiment); its checksum and values are still checked.")
  boolean allow;

  /** Sets {@code file} (if any) on {@code loader}, with this option. */
  PretrainedModel.Loader apply(PretrainedModel.Loader loader, Path file) {
    if (file == null) {
      if (allow) {
        throw new IllegalArgumentException(
            GCacheFile.ALLOW_FOREIGN_OPTION + " is given without --g-cache FILE");
      }
      return loader;
    }
    return loader.gCache(file).allowForeignGCache(allow);
  }
}
