package io.pldr.train.optim;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Initializer;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * AdamW with decoupled weight decay, as PyTorch's {@code torch.optim.AdamW} (the reference's
 * optimiser), built once as graph ops:
 * <pre>
 *   t ← t + 1
 *   m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 *   p ← p − lr·(wd·p + (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε))
 * </pre>
 * Its state (m and v per parameter, the step t) lives in variables of its own registry, so a
 * checkpoint saves and restores it exactly.
 */
public final class AdamW {
  /** Hyper-parameters. */
  public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {}

  private final ParameterRegistry state;
  private final Op update;

  /**
   * Builds the update of {@code parameters} from {@code gradients} (same order) with the learning
   * rate {@code lr}; every update waits for every gradient, so no parameter changes while a
   * gradient still reads it.
   */
  public AdamW(TfTensorOps ops, Map<String, Parameter> parameters,
      List<Operand<TFloating>> gradients, Operand<TFloating> lr, Settings s) {
    Ops tf = ops.tf();
    DType dtype = ops.floatType();
    this.state = new ParameterRegistry(tf, dtype);
    Parameter step = state.create("adamw.step", io.pldr.api.tensor.Shape.of(), Initializer.zeros());
    Ops gated = tf.withControlDependencies(new ArrayList<>(gradients));
    Operand<TFloating> t = gated.math.add(step.<TFloating>value(), ops.scalar(1.0));
    Operand<TFloating> c1 = gated.math.sub(ops.scalar(1.0), gated.math.pow(ops.scalar(s.beta1()), t));
    Operand<TFloating> c2 = gated.math.sub(ops.scalar(1.0), gated.math.pow(ops.scalar(s.beta2()), t));
    List<Op> updates = new ArrayList<>();
    updates.add(gated.assign(step.<TFloating>variableRef(), t));
    int i = 0;
    for (Parameter p : parameters.values()) {
      Operand<TFloating> g = gradients.get(i++);
      String name = p.spec().name();
      Parameter m = state.create("adamw.m." + name, p.spec().shape(), Initializer.zeros());
      Parameter v = state.create("adamw.v." + name, p.spec().shape(), Initializer.zeros());
      Operand<TFloating> mNew = gated.math.add(
          gated.math.mul(ops.scalar(s.beta1()), m.<TFloating>value()),
          gated.math.mul(ops.scalar(1 - s.beta1()), g));
      Operand<TFloating> vNew = gated.math.add(
          gated.math.mul(ops.scalar(s.beta2()), v.<TFloating>value()),
          gated.math.mul(ops.scalar(1 - s.beta2()), gated.math.square(g)));
      Operand<TFloating> direction = gated.math.div(gated.math.div(mNew, c1),
          gated.math.add(gated.math.sqrt(gated.math.div(vNew, c2)), ops.scalar(s.epsilon())));
      Operand<TFloating> pValue = p.value();
      Operand<TFloating> delta = gated.math.mul(lr, gated.math.add(
          gated.math.mul(ops.scalar(s.weightDecay()), pValue), direction));
      updates.add(gated.assign(m.<TFloating>variableRef(), mNew));
      updates.add(gated.assign(v.<TFloating>variableRef(), vNew));
      updates.add(gated.assignSub(p.<TFloating>variableRef(), delta));
    }
    this.update = tf.withControlDependencies(updates).noOp();
  }

  /** The op that applies one update. */
  public Op update() {
    return update;
  }

  /** The optimiser's state variables (step, m and v per parameter). */
  public ParameterRegistry state() {
    return state;
  }
}
