package io.pldr.cli;

import com.google.inject.Guice;
import io.pldr.tf.inject.Components;
import io.pldr.tf.inject.PldrInjectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the tensor operators and attention variants installed (built in and plug-ins). */
@Command(
    name = "operators",
    mixinStandardHelpOptions = true,
    description = "List installed tensor operators and attention variants.")
final class OperatorsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Components c = Guice.createInjector(PldrInjectors.standard()).getInstance(Components.class);
    var out = spec.commandLine().getOut();
    out.println("tensor operators (model config: tensor_operator { name: ... }):");
    c.operators().forEach((n, p) -> out.printf("  %-18s %s%n", n, p.description()));
    out.println("attention variants (model config: attention: ...):");
    c.attentions().forEach((n, p) -> out.printf("  %-18s %s%n", n, p.description()));
    out.flush();
    return 0;
  }
}
