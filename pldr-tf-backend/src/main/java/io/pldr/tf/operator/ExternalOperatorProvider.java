package io.pldr.tf.operator;

import io.pldr.api.cache.LayerDeductive;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.operator.TensorOperator;
import io.pldr.api.operator.TensorOperatorProvider;
import io.pldr.tf.io.GCacheFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Provides {@link ExternalOperator} under the name {@code external} (the Hugging Face port's name
 * for a G_LM read from a file): {@code tensor_operator { name: "external" options { key: "file"
 * value: "g.safetensors" } }}, the file a {@link GCacheFile} of a model of the same shape.
 */
public final class ExternalOperatorProvider implements TensorOperatorProvider {
  public static final String NAME = "external";

  /** The option naming the G-cache file. */
  public static final String FILE_OPTION = "file";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "constant A_LM, G_LM per layer from a G-cache file (option 'file'; v510Gi)";
  }

  @Override
  public TensorOperator create(OperatorContext context) {
    OperatorOptions options = new OperatorOptions(context.config(), List.of(FILE_OPTION));
    String file =
        options
            .string(FILE_OPTION)
            .orElseThrow(
                () ->
                    options.failure(
                        FILE_OPTION,
                        "missing: a G-cache file (pldr gcache) of a model with this model's shape"));
    try {
      List<LayerDeductive> layers = GCacheFile.load(Path.of(file), context.config());
      return new ExternalOperator(context, layers.get(context.layer()));
    } catch (IOException e) {
      throw options.failure(FILE_OPTION, "cannot use the G-cache file: " + e.getMessage());
    }
  }
}
