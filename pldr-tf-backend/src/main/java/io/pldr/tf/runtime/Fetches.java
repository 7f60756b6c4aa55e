package io.pldr.tf.runtime;

import io.pldr.api.tensor.HostTensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;

/**
 * Operands to fetch in one session run, each fetched once even when asked for several times (a
 * constant operator's A_LM and G_LM are one tensor, for instance).
 */
final class Fetches {
  private final List<Operand<?>> unique = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();
  private final List<Integer> slots = new ArrayList<>();

  /** Adds an operand; returns its position among what was added. */
  int add(Operand<?> operand) {
    String name = operand.asOutput().op().name() + ":" + operand.asOutput().index();
    int i =
        index.computeIfAbsent(
            name,
            n -> {
              unique.add(operand);
              return unique.size() - 1;
            });
    slots.add(i);
    return slots.size() - 1;
  }

  /** Adds every operand to a runner, once each. */
  Session.Runner fetchAll(Session.Runner runner) {
    unique.forEach(runner::fetch);
    return runner;
  }

  /** Host copies of the results, in the order operands were added. */
  List<HostTensor> read(Result result) {
    List<HostTensor> distinct = new ArrayList<>();
    for (int i = 0; i < unique.size(); i++) {
      distinct.add(HostTensors.fromTensor(result.get(i)));
    }
    List<HostTensor> out = new ArrayList<>();
    slots.forEach(s -> out.add(distinct.get(s)));
    return out;
  }
}
