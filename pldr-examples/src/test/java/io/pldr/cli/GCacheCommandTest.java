package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.cache.TinyCheckpoint;
import io.pldr.tf.io.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pldr gcache}: a G-cache file checked when it is used, and with {@code --all} every
 * deductive output of a prompt's pass, in one safetensors file.
 */
class GCacheCommandTest {
  @TempDir Path dir;

  @Test
  void allWritesAALmAPGLmAndEPerLayerBesideTheGCachesALmAndGLm() throws Exception {
    Path run = TinyTraining.train(dir);
    Path all = dir.resolve("all.safetensors");
    Path gcache = dir.resolve("g.safetensors");
    CliRun withAll = gcache(run, "--all", "--out", all.toString());
    assertThat(withAll.status()).as(withAll.err()).isZero();
    assertThat(withAll.out()).contains("deductive outputs");
    CliRun gOnly = gcache(run, "--out", gcache.toString());
    assertThat(gOnly.status()).as(gOnly.err()).isZero();
    Safetensors.Contents c = Safetensors.read(all);
    Map<String, String> meta = c.metadata();
    assertThat(meta)
        .containsEntry("format", "pldr-deductive-outputs")
        .containsEntry("absent", "none");
    assertThat(meta.get("checkpoint")).startsWith(run.toAbsolutePath().toString());
    String ids = meta.get("token_ids");
    assertThat(ids).startsWith("[").endsWith("]");
    int t = ids.split(",").length;
    Shape square = Shape.of(1, 2, 8, 8);
    assertThat(c.tensors().keySet())
        .containsExactlyInAnyOrder(
            "layers.0.A", "layers.0.A_LM", "layers.0.A_P", "layers.0.G_LM", "layers.0.E");
    for (String n : new String[] {"A", "A_LM", "A_P", "G_LM"}) {
      assertThat(c.tensors().get("layers.0." + n).shape()).isEqualTo(square);
    }
    assertThat(c.tensors().get("layers.0.E").shape()).isEqualTo(Shape.of(1, 2, t, t));
    Map<String, HostTensor> g = Safetensors.read(gcache).tensors();
    assertThat(c.tensors().get("layers.0.A_LM").maxAbsDiff(g.get("layer0.A_LM"))).isLessThan(1e-6);
    assertThat(c.tensors().get("layers.0.G_LM").maxAbsDiff(g.get("layer0.G_LM"))).isLessThan(1e-6);
  }

  @Test
  void generateRefusesAnotherModelsGCacheUnlessAllowedAndADamagedOneAlways() throws Exception {
    Path a = TinyCheckpoint.write(dir.resolve("a"), TinyCheckpoint.config("learned"), 1);
    Path b = TinyCheckpoint.write(dir.resolve("b"), TinyCheckpoint.config("learned"), 2);
    Path file = dir.resolve("a.safetensors");
    CliRun written = gcache(a, "--out", file.toString());
    assertThat(written.status()).as(written.err()).isZero();

    CliRun own = generate(a, "--g-cache", file.toString());
    assertThat(own.status()).as(own.err()).isZero();
    CliRun foreign = generate(b, "--g-cache", file.toString());
    assertThat(foreign.status()).isNotZero();
    assertThat(foreign.err())
        .contains(file.toString())
        .contains("a G-cache of another model")
        .contains("--allow-foreign-g-cache");
    CliRun onPurpose = generate(b, "--g-cache", file.toString(), "--allow-foreign-g-cache");
    assertThat(onPurpose.status()).as(onPurpose.err()).isZero();
    CliRun alone = generate(b, "--allow-foreign-g-cache");
    assertThat(alone.status()).isNotZero();
    assertThat(alone.err()).contains("--allow-foreign-g-cache is given without --g-cache FILE");

    String[] convert = {
      "convert-gi", "--checkpoint", b.toString(), "--g-cache", file.toString(), "--out", ""
    };
    convert[6] = dir.resolve("gi-refused").toString();
    CliRun refused = CliRun.of(convert);
    assertThat(refused.status()).isNotZero();
    assertThat(refused.err()).contains("a G-cache of another model");
    assertThat(dir.resolve("gi-refused")).doesNotExist();
    convert[6] = dir.resolve("gi").toString();
    String[] convertOnPurpose = java.util.Arrays.copyOf(convert, convert.length + 1);
    convertOnPurpose[convert.length] = "--allow-foreign-g-cache";
    CliRun converted = CliRun.of(convertOnPurpose);
    assertThat(converted.status()).as(converted.err()).isZero();

    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 2] ^= 0x04;
    Files.write(file, bytes);
    CliRun damaged = generate(a, "--g-cache", file.toString(), "--allow-foreign-g-cache");
    assertThat(damaged.status()).isNotZero();
    assertThat(damaged.err()).contains(file.toString()).contains("damaged G-cache file");
  }

  private static CliRun generate(Path run, String... more) {
    String[] args = {
      "generate", "--checkpoint", run.toString(), "--prompt", "the", "--max-new-tokens", "2"
    };
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return CliRun.of(all);
  }

  private static CliRun gcache(Path run, String... more) {
    String[] args = {"gcache", "--checkpoint", run.toString(), "--prompt", "the whale"};
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return CliRun.of(all);
  }
}
