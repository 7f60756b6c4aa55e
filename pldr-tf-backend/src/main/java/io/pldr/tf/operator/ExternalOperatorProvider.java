package io.pldr.tf.operator;

import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.io.GCacheFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Provides {@link ExternalOperator} (the Hugging Face port's {@code external}: a G_LM read from a
 * file): {@code tensor_operator { name: "external" options { key: "file" value: "g.safetensors" }
 * }}, the file a {@link GCacheFile} of a model of the same shape, or the reference's pickled G file
 * ({@code .pkl}, e.g. its {@code ablation/predefined-G_LM} files; A_LM zero where it holds G_LM
 * alone). The file is read with {@link GCacheFile#load(Path, ModelConfig)}: shape, checksum and
 * finite values are checked, not the model it came from (a predefined G_LM is used on purpose).
 */
public final class ExternalOperatorProvider implements TensorOperatorProvider {
  /** The option naming the G-cache file. */
  public static final String FILE_OPTION = "file";

  @Override
  public String description() {
    return "constant A_LM, G_LM per layer from a G-cache file (option 'file'; v510Gi)";
  }

  /** The option names a G-cache file of a model of this shape. */
  @Override
  public void validate(ModelConfig config) {
    gCache(config);
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    return ExternalOperator.of(context, gCache(context.config()).layer(context.layer()));
  }

  private static GCache gCache(ModelConfig config) {
    OperatorOptions options = new OperatorOptions(config, List.of(FILE_OPTION));
    String file =
        options
            .string(FILE_OPTION)
            .orElseThrow(
                () ->
                    options.failure(
                        FILE_OPTION,
                        "missing: a G-cache file (pldr gcache) of a model with this model's shape"));
    try {
      return GCacheFile.load(Path.of(file), config);
    } catch (IOException e) {
      throw options.failure(FILE_OPTION, "cannot use the G-cache file: " + e.getMessage());
    }
  }
}
