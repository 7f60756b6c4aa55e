package io.pldr.tf.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Injector;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.ModelConfigs;
import io.pldr.api.model.ForwardResult;
import io.pldr.api.model.ModelFactory;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.PldrModel;
import io.pldr.api.operator.OperatorContext;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.operator.IdentityOperatorProvider;
import io.pldr.tf.operator.LearnedPlgaProvider;
import io.pldr.tf.operator.RandomOperator;
import io.pldr.tf.operator.RandomOperatorProvider;
import io.pldr.tf.testing.ScaledIdentityOperatorModule;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration file, not code, decides which tensor operator a model gets. */
class OperatorSelectionTest {
  private static final long[][] TOKENS = {{5, 9, 4, 1}};

  private static ModelConfig config(String name) throws URISyntaxException {
    return ModelConfigs.read(
        Path.of(OperatorSelectionTest.class.getResource("/configs/" + name).toURI()));
  }

  @Test
  void twoConfigurationFilesSelectDifferentOperatorProviders() throws Exception {
    Injector learned = PldrInjectors.forConfig(config("learned.textproto"));
    Injector identity = PldrInjectors.forConfig(config("identity.textproto"));

    assertThat(learned.getInstance(ModelSpec.class).operator())
        .isInstanceOf(LearnedPlgaProvider.class);
    assertThat(identity.getInstance(ModelSpec.class).operator())
        .isInstanceOf(IdentityOperatorProvider.class);

    try (PldrModel a =
            learned
                .getInstance(ModelFactory.class)
                .create(learned.getInstance(ModelConfig.class), 1);
        PldrModel b =
            identity
                .getInstance(ModelFactory.class)
                .create(identity.getInstance(ModelConfig.class), 1)) {
      // The learned model has PLGA's parameters, the identity model none of them.
      assertThat(a.parameterSpecs())
          .containsKey("decoder.dec_layers.0.mha1.plgatt_layer.pwlst")
          .containsKey("decoder.dec_layers.1.mha1.reslayerAs.1.denseAs.1.gluw3.weight");
      assertThat(b.parameterSpecs().keySet())
          .noneMatch(
              n ->
                  n.contains("plgatt_layer")
                      || n.contains("reslayerAs")
                      || n.contains("mha1.layernorm1"));
      ForwardResult ra = a.forward(TOKENS);
      ForwardResult rb = b.forward(TOKENS);
      HostTensor identityG = rb.layers().get(0).gLm();
      assertThat(identityG.shape().dims()).containsExactly(1, 4, 16, 16);
      assertThat(identityG.get(0)).isEqualTo(1.0);
      assertThat(identityG.get(1)).isEqualTo(0.0);
      assertThat(ra.layers().get(0).gLm().shape().dims()).containsExactly(1, 4, 16, 16);
      assertThat(ra.layers().get(0).gLm().maxAbsDiff(identityG)).isGreaterThan(0.1);
    }
  }

  @Test
  void randomOperatorFileGivesAModelWithoutPlgaParametersWhoseGLmComesFromTheSeed()
      throws Exception {
    ModelConfig config = config("random.textproto");
    Injector injector = PldrInjectors.forConfig(config);
    assertThat(injector.getInstance(ModelSpec.class).operator())
        .isInstanceOf(RandomOperatorProvider.class);
    try (PldrModel model = injector.getInstance(ModelFactory.class).create(config, 1)) {
      assertThat(model.parameterSpecs().keySet())
          .noneMatch(n -> n.contains("plgatt_layer") || n.contains("reslayerAs"));
      ForwardResult r = model.forward(TOKENS);
      for (int layer = 0; layer < 2; layer++) {
        double[] expected =
            RandomOperator.values(
                new OperatorContext(layer, config, null, "decoder.dec_layers." + layer + ".mha1"),
                new RandomOperator.Settings(11, 0, 1));
        HostTensor g = r.layers().get(layer).gLm();
        assertThat(g.shape().dims()).containsExactly(1, 4, 16, 16);
        for (int i = 0; i < expected.length; i++) {
          // float32 model: the drawn doubles rounded once
          assertThat(g.get(i)).isEqualTo((double) (float) expected[i]);
        }
      }
    }
  }

  @Test
  void userModuleNamedInTheConfigurationBindsItsOwnOperator() throws Exception {
    ModelConfig config = config("user-operator.textproto");
    Injector injector = PldrInjectors.forConfig(config);

    ModelSpec spec = injector.getInstance(ModelSpec.class);
    assertThat(spec.operator()).isInstanceOf(ScaledIdentityOperatorModule.Provider.class);
    assertThat(injector.getInstance(Components.class).operators().keySet())
        .containsExactly(
            "external", "identity", "learned", "random", "scaled_identity", "transferred");

    try (PldrModel model = injector.getInstance(ModelFactory.class).create(config, 3)) {
      HostTensor g = model.forward(new long[][] {{1, 2, 3}}).layers().get(0).gLm();
      int d = 8;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          assertThat(g.get(i * d + j)).isEqualTo(i == j ? 0.5 : 0.0);
        }
      }
    }
  }

  @Test
  void unknownOperatorNameFailsListingTheInstalledOnes() throws Exception {
    ModelConfig config =
        config("learned.textproto").toBuilder()
            .setTensorOperator(io.pldr.api.config.TensorOperatorSpec.newBuilder().setName("lerned"))
            .build();
    assertThatThrownBy(
            () -> PldrInjectors.forConfig(config).getInstance(ModelFactory.class).create(config, 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tensor_operator.name")
        .hasMessageContaining("'lerned'")
        .hasMessageContaining(
            "installed operators: external, identity, learned, random," + " transferred");
  }

  @Test
  void pluginModuleMissingFromTheClassPathFailsNamingIt() throws Exception {
    ModelConfig config =
        config("learned.textproto").toBuilder().addPluginModules("com.example.NotThere").build();
    assertThatThrownBy(() -> PldrInjectors.forConfig(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plugin_modules")
        .hasMessageContaining("com.example.NotThere")
        .hasMessageContaining("not on the class path");
  }
}
