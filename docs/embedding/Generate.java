import io.pldr.api.cache.CacheMode;
import io.pldr.cache.PretrainedModel;
import io.pldr.cache.generate.Generation;
import io.pldr.cache.generate.SamplingConfig;
import java.nio.file.Path;

/**
 * Loads a pldr checkpoint and prints a greedy continuation of 20 tokens:
 *
 * <pre>java -cp CLASSPATH docs/embedding/Generate.java CHECKPOINT_DIR PROMPT</pre>
 *
 * CLASSPATH is pldr-cache's runtime class path (its jar, pldr-tf-backend's, pldr-api's and their
 * dependencies); CHECKPOINT_DIR a checkpoint folder or a run folder (its newest checkpoint).
 */
public class Generate {
  public static void main(String[] args) throws Exception {
    try (PretrainedModel model = PretrainedModel.load(Path.of(args[0]))) {
      Generation g =
          model.generator().generate(args[1], SamplingConfig.greedy(20), CacheMode.KV_G, p -> {});
      System.out.println(args[1] + g.text());
    }
  }
}
