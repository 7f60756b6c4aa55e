package io.pldr.tf.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.inject.Guice;
import io.pldr.api.cache.GCache;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.TensorOperatorSpec;
import io.pldr.api.model.ForwardResult;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.PldrModel;
import io.pldr.api.tensor.HostTensor;
import io.pldr.api.tensor.Shape;
import io.pldr.tf.inject.ExternalOperatorModule;
import io.pldr.tf.inject.PldrInjectors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's pickled G files ({@code ablation/predefined-G_LM}) read as G-caches; expected
 * numbers from {@code predefined-g/inspect_pickle.py} (Python's standard library, no torch).
 */
class PredefinedGFileTest {
  private static final String PAPER =
      "predefined_G_LM_cache_list_PLDRv51_110M_1_5layer_14head_64x64_paper.pkl";
  private static final String PAIRS = "tiny_pairs_2layer_2head_2x2.pkl";

  // inspect_pickle.py on PAPER: per layer sum, sum of squares, first, last, element [0, 13, 5, 7]
  private static final double[][] EXPECTED = {
    {-2508.06665, 218619.773, 1.5284355e-05, -3.42852163, 0.118179992},
    {2045.82218, 242125.258, 1.10587862e-05, 1.62319398, -4.49733307e-06},
    {3255.53757, 526851.142, -0.135439515, -1.77976573, -0.0191552192},
    {-1567.01177, 138262.033, -0.110694543, -0.0355743915, -0.0861265957},
    {-981.972474, 88959.0252, -0.0769175738, -0.946123719, 0.117080942},
  };

  @TempDir Path dir;

  private Path resource(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream("/predefined-g/" + name)) {
      Files.copy(in, file);
    }
    return file;
  }

  private static ModelConfig shape(int layers, int dModel, int heads) {
    return ModelConfig.newBuilder()
        .setNumLayers(layers)
        .setDModel(dModel)
        .setNumHeads(heads)
        .setDff(24)
        .setVocabSize(32)
        .setADff(4)
        .setMaxSeqLen(8)
        .build();
  }

  @Test
  void thePapersTransferredGLmReadsAsAGCacheWithZeroALm() throws Exception {
    GCache g = GCacheFile.load(resource(PAPER), shape(5, 896, 14));
    assertThat(g.numLayers()).isEqualTo(5);
    for (int i = 0; i < 5; i++) {
      HostTensor gLm = g.layer(i).gLm();
      assertThat(gLm.shape()).isEqualTo(Shape.of(1, 14, 64, 64));
      double[] v = gLm.toDoubleArray();
      double sum = 0;
      double squares = 0;
      for (double x : v) {
        sum += x;
        squares += x * x;
      }
      double[] e = EXPECTED[i];
      assertThat(sum).as("layer %d sum", i).isCloseTo(e[0], within(1e-8 * e[1] + 1e-4));
      assertThat(squares).as("layer %d sum of squares", i).isCloseTo(e[1], within(1e-7 * e[1]));
      assertThat(v[0]).isCloseTo(e[2], within(1e-8 * Math.abs(e[2]) + 1e-14));
      assertThat(v[v.length - 1]).isCloseTo(e[3], within(1e-8 * Math.abs(e[3])));
      assertThat(v[13 * 4096 + 5 * 64 + 7]).isCloseTo(e[4], within(1e-8 * Math.abs(e[4])));
      assertThat(g.layer(i).aLm().shape()).isEqualTo(Shape.of(1, 14, 64, 64));
      assertThat(g.layer(i).aLm().maxAbs()).isZero();
    }
  }

  @Test
  void pairsOfALmAndGLmKeepBothAndStridedViewsReadRowMajor() throws Exception {
    GCache g = GCacheFile.load(resource(PAIRS), shape(2, 4, 2));
    assertThat(g.layer(0).aLm().toDoubleArray()).containsExactly(0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5);
    assertThat(g.layer(0).gLm().toDoubleArray()).containsExactly(10, 11, 12, 13, 14, 15, 16, 17);
    assertThat(g.layer(1).aLm().toDoubleArray()).containsExactly(1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5);
    // layer 1's G_LM is a transposed view of its storage 20 … 27
    assertThat(g.layer(1).gLm().toDoubleArray()).containsExactly(20, 22, 21, 23, 24, 26, 25, 27);
  }

  @Test
  void theExternalOperatorDecodesWithAPickledGLm() throws Exception {
    Path file = resource(PAIRS);
    ModelConfig config =
        shape(2, 4, 2).toBuilder()
            .setTensorOperator(
                TensorOperatorSpec.newBuilder()
                    .setName(ExternalOperatorModule.TRANSFERRED)
                    .putOptions("file", file.toString()))
            .build();
    try (PldrModel model =
        Guice.createInjector(PldrInjectors.builtIn())
            .getInstance(ModelFactory.class)
            .create(config, 1)) {
      ForwardResult r = model.forward(new long[][] {{1, 2, 3}});
      GCache expected = GCacheFile.load(file, config);
      for (int i = 0; i < 2; i++) {
        assertThat(r.layers().get(i).gLm().maxAbsDiff(expected.layer(i).gLm())).isZero();
        assertThat(r.layers().get(i).aLm().maxAbsDiff(expected.layer(i).aLm())).isZero();
      }
    }
  }

  @Test
  void aModelOfAnotherShapeIsRefusedNamingTheFileAndTheShapes() throws Exception {
    Path file = resource(PAPER);
    assertThatThrownBy(() -> GCacheFile.load(file, shape(4, 896, 14)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("5 layers, expected 4");
    assertThatThrownBy(() -> GCacheFile.load(file, shape(5, 896, 16)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("layer 0 has G_LM of shape [1, 14, 64, 64]")
        .hasMessageContaining("expected [1, 16, 56, 56]");
    ModelConfig transferred =
        shape(5, 896, 16).toBuilder()
            .setTensorOperator(
                TensorOperatorSpec.newBuilder()
                    .setName(ExternalOperatorModule.TRANSFERRED)
                    .putOptions("file", file.toString()))
            .build();
    assertThatThrownBy(
            () -> new io.pldr.tf.operator.TransferredOperatorProvider().validate(transferred))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected [1, 16, 56, 56]");
  }

  @Test
  void aFileThatIsNoPickleOrAPickleOfSomethingElseIsRefused() throws Exception {
    Path text = dir.resolve("g.pkl");
    Files.writeString(text, "layer0 = identity\n");
    assertThatThrownBy(() -> GCacheFile.load(text, shape(2, 4, 2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(text.toString())
        .hasMessageContaining("not a Python pickle");
    Path code = dir.resolve("code.pkl");
    Files.write(code, "\u0080\u0002cos\nsystem\n.".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> GCacheFile.load(code, shape(2, 4, 2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(code.toString())
        .hasMessageContaining("unexpected global os.system");
    Path number = dir.resolve("number.pkl");
    Files.write(number, new byte[] {(byte) 0x80, 2, 'K', 7, '.'});
    assertThatThrownBy(() -> GCacheFile.load(number, shape(2, 4, 2)))
        .hasMessageContaining("a pickled Integer, expected a list of G_LM");
  }
}
