package io.pldr.train.optim;

import io.pldr.api.tensor.DType;
import io.pldr.api.tensor.Initializer;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import io.pldr.tf.ops.ZeroFill;
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
 *
 * <pre>
 *   t ← t + 1
 *   p ← p − lr·wd·p
 *   m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 *   p ← p − lr·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 * </pre>
 *
 * The decay and the Adam step run in place with TensorFlow's fused kernels ({@code
 * ApplyGradientDescent}, {@code ApplyAdam}, whose ε is rescaled by √(1 − β2^t) so that the step is
 * PyTorch's exactly), so an update allocates nothing the size of the model. Its state (m and v per
 * parameter, the step t) lives in variables of its own registry, so a checkpoint saves and restores
 * it exactly.
 */
public final class AdamW {
  /**
   * The name of the optimiser's step counter in its state (a float scalar: the updates applied),
   * which a checkpoint's step must equal.
   */
  public static final String STEP = "adamw.step";

  /** Hyper-parameters. */
  public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {}

  private final ParameterRegistry state;
  private final Op update;
  private final Op reset;

  /**
   * Builds the update of {@code parameters} from {@code gradients} (same order) with the learning
   * rate {@code lr}; every update waits for every gradient, so no parameter changes while a
   * gradient still reads it.
   */
  public AdamW(
      TfTensorOps ops,
      Map<String, Parameter> parameters,
      List<Operand<TFloating>> gradients,
      Operand<TFloating> lr,
      Settings s) {
    Ops tf = ops.tf();
    DType dtype = ops.floatType();
    this.state = new ParameterRegistry(tf, dtype);
    Parameter step = state.create(STEP, io.pldr.api.tensor.Shape.of(), Initializer.zeros());
    // One node waits for every gradient, and every update waits for it: the same order as control
    // edges from every gradient to every update, with as many edges as parameters instead of their
    // square (which made building and preparing the graph of a large model take seconds).
    Op gradientsReady = tf.withControlDependencies(new ArrayList<>(gradients)).noOp();
    Ops gated = tf.withControlDependencies(List.of(gradientsReady));
    Operand<TFloating> t = gated.math.add(step.<TFloating>value(), ops.scalar(1.0));
    Operand<TFloating> beta1Power = gated.math.pow(ops.scalar(s.beta1()), t);
    Operand<TFloating> beta2Power = gated.math.pow(ops.scalar(s.beta2()), t);
    Operand<TFloating> epsilonHat =
        gated.math.mul(
            ops.scalar(s.epsilon()), gated.math.sqrt(gated.math.sub(ops.scalar(1.0), beta2Power)));
    Operand<TFloating> decayRate = gated.math.mul(lr, ops.scalar(s.weightDecay()));
    List<Op> updates = new ArrayList<>();
    List<Op> zeros = new ArrayList<>();
    updates.add(gated.assign(step.<TFloating>variableRef(), t));
    zeros.add(tf.assign(step.<TFloating>variableRef(), ops.scalar(0.0)));
    int i = 0;
    for (Parameter p : parameters.values()) {
      Operand<TFloating> g = gradients.get(i++);
      String name = p.spec().name();
      Parameter m = state.create("adamw.m." + name, p.spec().shape(), Initializer.zeros());
      Parameter v = state.create("adamw.v." + name, p.spec().shape(), Initializer.zeros());
      Operand<TFloating> var = p.variableRef();
      Op decayed = gated.train.applyGradientDescent(var, decayRate, p.<TFloating>value());
      updates.add(
          gated
              .withControlDependencies(List.of(decayed))
              .train
              .applyAdam(
                  var,
                  m.<TFloating>variableRef(),
                  v.<TFloating>variableRef(),
                  beta1Power,
                  beta2Power,
                  lr,
                  ops.scalar(s.beta1()),
                  ops.scalar(s.beta2()),
                  epsilonHat,
                  g));
      zeros.add(ZeroFill.assign(tf, m));
      zeros.add(ZeroFill.assign(tf, v));
    }
    this.update = tf.withControlDependencies(updates).noOp();
    this.reset = tf.withControlDependencies(zeros).noOp();
  }

  /** The op that applies one update. */
  public Op update() {
    return update;
  }

  /** The op that sets the state to its start (t = 0, m = v = 0), without a host copy. */
  public Op reset() {
    return reset;
  }

  /** The optimiser's state variables (step, m and v per parameter). */
  public ParameterRegistry state() {
    return state;
  }
}
