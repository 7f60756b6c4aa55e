package io.pldr.tf.inject;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Assembles the injector of a pldr application: the TensorFlow backend, the built-in operators and
 * attention, every Guice module listed for {@link ServiceLoader} under {@code
 * META-INF/services/com.google.inject.Module}, and the plug-in modules a configuration names in
 * {@code plugin_modules}.
 */
public final class PldrInjectors {
  private PldrInjectors() {}

  /**
   * The built-in modules: backend, learned, identity, random and external / transferred (G-cache
   * file) operators, power law attention.
   */
  public static List<Module> builtIn() {
    return List.of(
        new TfBackendModule(),
        new LearnedPlgaModule(),
        new IdentityOperatorModule(),
        new RandomOperatorModule(),
        new ExternalOperatorModule(),
        new PowerLawGraphAttentionModule());
  }

  /**
   * The built-in modules and every module listed for {@link ServiceLoader} under {@code
   * META-INF/services/com.google.inject.Module} on the class path.
   */
  public static List<Module> standard() {
    List<Module> modules = new ArrayList<>(builtIn());
    ServiceLoader.load(Module.class).forEach(modules::add);
    return modules;
  }

  /**
   * An injector for one model configuration: built-ins, discovered plug-ins, the configuration's
   * plug-in modules and {@code extra}, with {@link ConfiguredModelModule} for {@code config}.
   */
  public static Injector forConfig(ModelConfig config, Module... extra) {
    List<Module> modules = standard();
    modules.addAll(pluginModules(config));
    modules.addAll(List.of(extra));
    modules.add(new ConfiguredModelModule(config));
    return Guice.createInjector(modules);
  }

  /**
   * The resolved specification of {@code config} from an injector made for it ({@link #forConfig}):
   * an unknown operator or attention, or an operator's own check, fails with its {@link
   * ConfigException} (not wrapped by Guice).
   */
  public static ModelSpec spec(ModelConfig config, Module... extra) {
    return spec(forConfig(config, extra));
  }

  /** The resolved specification an injector made by {@link #forConfig} provides, unwrapped. */
  public static ModelSpec spec(Injector injector) {
    try {
      return injector.getInstance(ModelSpec.class);
    } catch (ProvisionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Instantiates the modules named in {@code plugin_modules}. */
  public static List<Module> pluginModules(ModelConfig config) {
    List<Module> modules = new ArrayList<>();
    for (String name : config.getPluginModulesList()) {
      Class<?> type;
      try {
        type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
      } catch (ClassNotFoundException e) {
        throw new ConfigException(
            "model config",
            "plugin_modules",
            "class '"
                + name
                + "' is not on the class path (add the plug-in's jar to the class path)");
      }
      if (!Module.class.isAssignableFrom(type)) {
        throw new ConfigException(
            "model config",
            "plugin_modules",
            "class '" + name + "' is not a Guice module (com.google.inject.Module)");
      }
      try {
        modules.add((Module) type.getConstructor().newInstance());
      } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
        throw new ConfigException(
            "model config",
            "plugin_modules",
            "class '" + name + "' needs a public no-argument constructor");
      } catch (InvocationTargetException e) {
        throw new ConfigException(
            "model config",
            "plugin_modules",
            "constructing '" + name + "' failed: " + e.getCause());
      }
    }
    return modules;
  }
}
