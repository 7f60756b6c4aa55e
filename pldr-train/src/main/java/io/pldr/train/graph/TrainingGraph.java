package io.pldr.train.graph;

import io.pldr.api.config.ConfigException;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.config.TrainPrecision;
import io.pldr.api.model.ModelSpec;
import io.pldr.tf.distributed.Collectives;
import io.pldr.tf.model.PldrDecoder;
import io.pldr.tf.ops.Parameter;
import io.pldr.tf.ops.ParameterRegistry;
import io.pldr.tf.ops.TfTensorOps;
import io.pldr.tf.ops.ZeroFill;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.train.distributed.DataParallel;
import io.pldr.train.optim.AdamW;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Everything one training step needs, built once in the model's graph:
 *
 * <pre>
 *   batch [B, T+1] → inputs batch[:, :-1], targets batch[:, 1:]
 *   cross-entropy, accuracy = masked cross-entropy(decoder(inputs), targets)
 *   loss = cross-entropy [+ c_A·dag(A_LM) + c_P·dag(A_P) + c_G·dag(G_LM), v510_dag]
 *   g = ∂loss/∂θ, clipped by value or by global norm
 *   AdamW(θ, g, lr)  (or, with accumulation, g summed into accumulators first)
 * </pre>
 */
public final class TrainingGraph {
  /** How gradients are clipped. */
  public sealed interface Clip {
    /** No clipping. */
    record None() implements Clip {}

    /** Each element into [-limit, limit]. */
    record ByValue(double limit) implements Clip {}

    /** All gradients scaled so that their global L2 norm is at most {@code limit}. */
    record ByGlobalNorm(double limit) implements Clip {}
  }

  private final ModelGraph model;
  private final Placeholder<TInt64> batch;
  private final Placeholder<TFloating> learningRate;

  /** Keys of {@link #dagTerms()}: dag(A_LM), dag(A_P), dag(G_LM). */
  public static final String DAG_A = "A";

  public static final String DAG_P = "P";
  public static final String DAG_G = "G";

  private final MaskedCrossEntropy.Outputs metrics;
  private final Map<String, Operand<TFloating>> dagTerms;
  private final Operand<TFloating> loss;
  private final Map<String, Operand<TFloating>> rawGradients = new java.util.LinkedHashMap<>();
  private final Operand<TFloating> gradientNorm;
  private final AdamW optimizer;
  private final ParameterRegistry accumulators;
  private final Op accumulate;
  private final Op resetAccumulators;
  private final int accumulationSteps;
  private final Optional<Replicas> replicas;
  private final int replicaCount;

  /** A graph of {@code spec}'s model without DAG regularisation. */
  public TrainingGraph(ModelSpec spec, Clip clip, AdamW.Settings adam, int accumulationSteps) {
    this(spec, clip, adam, accumulationSteps, Optional.empty());
  }

  /**
   * A graph that, with {@code dag}, also computes the DAG terms and adds those with a coefficient
   * above 0 to the loss. A coefficient on A_P fails for an operator without a potential tensor.
   */
  public TrainingGraph(
      ModelSpec spec,
      Clip clip,
      AdamW.Settings adam,
      int accumulationSteps,
      Optional<DagCoefficients> dag) {
    this(spec, clip, adam, accumulationSteps, dag, TrainPrecision.MODEL_DTYPE);
  }

  /** One process's graph with the matrix products in {@code precision} (see below). */
  public TrainingGraph(
      ModelSpec spec,
      Clip clip,
      AdamW.Settings adam,
      int accumulationSteps,
      Optional<DagCoefficients> dag,
      TrainPrecision precision) {
    this(spec, clip, adam, accumulationSteps, dag, precision, Optional.empty());
  }

  /**
   * A graph with the matrix products of the forward and backward passes in {@code precision}
   * (bfloat16 mixed precision: variables, optimiser state and loss stay float32) that, with {@code
   * parallel}, is one replica of a data-parallel run: its loss is weighted by {@link
   * Replicas#lossWeight()} (this worker's share of the global batch's targets), the gradients the
   * optimiser applies are the mean over all workers (one all-reduce per update, after accumulation
   * and before clipping), and the step's metrics are the global batch's.
   */
  public TrainingGraph(
      ModelSpec spec,
      Clip clip,
      AdamW.Settings adam,
      int accumulationSteps,
      Optional<DagCoefficients> dag,
      TrainPrecision precision,
      Optional<DataParallel> parallel) {
    ModelConfig config = spec.config();
    this.replicaCount = parallel.map(DataParallel::workers).orElse(1);
    this.model = new ModelGraph(spec, precision);
    this.accumulationSteps = accumulationSteps;
    TfTensorOps ops = model.ops();
    Ops tf = ops.tf();
    this.batch =
        tf.withName("batch")
            .placeholder(TInt64.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, -1)));
    this.learningRate =
        tf.withName("learning_rate")
            .placeholder(ops.type(), Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
    Operand<TInt64> inputs = tf.stridedSlice(batch, Indices.all(), Indices.sliceTo(-1));
    Operand<TInt64> targets = tf.stridedSlice(batch, Indices.all(), Indices.sliceFrom(1));
    PldrDecoder.Outputs out = model.decoder().forward(inputs);
    this.metrics =
        MaskedCrossEntropy.build(
            ops, out.logits(), targets, config.getTokenIds().getPad(), config.getVocabSize());
    try {
      this.dagTerms = dag.isPresent() ? dagTerms(ops, out.layers(), dag.get(), config) : Map.of();
    } catch (ConfigException e) {
      model.close();
      throw e;
    }
    Optional<Collectives> collectives =
        parallel.map(p -> new Collectives(tf, p.cluster(), p.groupKey(), p.timeout()));
    // 1 unless fed: validation batches are whole, not shares
    PlaceholderWithDefault<TFloating> lossWeight =
        parallel.isPresent()
            ? tf.withName("loss_weight")
                .placeholderWithDefault(ops.scalar(1.0), org.tensorflow.ndarray.Shape.scalar())
            : null;
    Operand<TFloating> crossEntropy =
        lossWeight == null ? metrics.loss() : tf.math.mul(lossWeight, metrics.loss());
    this.loss =
        dag.isPresent() ? withDagTerms(ops, crossEntropy, dagTerms, dag.get()) : crossEntropy;

    Map<String, Parameter> params = model.parameters();
    Output<?>[] vars = new Output<?>[params.size()];
    int i = 0;
    for (Parameter p : params.values()) {
      vars[i++] = p.value().asOutput();
    }
    Output<?>[] raw = model.graph().addGradients(loss.asOutput(), vars);
    List<Operand<TFloating>> grads = new ArrayList<>();
    i = 0;
    for (String name : params.keySet()) {
      Operand<TFloating> g = cast(raw[i++]);
      grads.add(g);
      rawGradients.put(name, g);
    }
    this.gradientNorm = globalNorm(ops, grads);

    Operand<TFloating> k = ops.scalar(accumulationSteps);
    List<Operand<TFloating>> applied;
    if (accumulationSteps > 1) {
      this.accumulators = new ParameterRegistry(tf, model.dtype());
      List<Op> adds = new ArrayList<>();
      List<Op> zeros = new ArrayList<>();
      applied = new ArrayList<>();
      i = 0;
      for (Parameter p : params.values()) {
        Parameter acc =
            accumulators.create(
                "accumulated." + p.spec().name(),
                p.spec().shape(),
                io.pldr.api.tensor.Initializer.zeros());
        adds.add(tf.assignAdd(acc.<TFloating>variableRef(), grads.get(i++)));
        zeros.add(ZeroFill.assign(tf, acc));
        applied.add(tf.math.div(acc.<TFloating>value(), k));
      }
      this.accumulate = tf.withControlDependencies(adds).noOp();
      this.resetAccumulators = tf.withControlDependencies(zeros).noOp();
    } else {
      this.accumulators = null;
      this.accumulate = null;
      this.resetAccumulators = null;
      applied = grads;
    }
    if (collectives.isPresent()) {
      long total = params.values().stream().mapToLong(p -> p.spec().shape().size()).sum();
      applied = meanOverWorkers(tf, collectives.get(), applied, total);
      Operand<TFloating> appliedNorm = globalNorm(ops, applied);
      this.optimizer = new AdamW(ops, params, clip(ops, applied, clip), learningRate, adam);
      this.replicas =
          Optional.of(
              replicas(
                  ops,
                  collectives.get(),
                  lossWeight,
                  metrics,
                  dagTerms,
                  loss,
                  appliedNorm,
                  params));
    } else {
      this.optimizer = new AdamW(ops, params, clip(ops, applied, clip), learningRate, adam);
      this.replicas = Optional.empty();
    }
  }

  /**
   * Every gradient's mean over the workers: flattened and concatenated, reduced ({@link
   * Collectives#allReduceMean(Operand, long)}, in concurrent pieces), then split and shaped back.
   */
  private static List<Operand<TFloating>> meanOverWorkers(
      Ops tf, Collectives c, List<Operand<TFloating>> grads, long total) {
    List<Operand<TFloating>> flat = new ArrayList<>();
    for (Operand<TFloating> g : grads) {
      flat.add(tf.reshape(g, tf.constant(new int[] {-1})));
    }
    Operand<TFloating> all = tf.concat(flat, tf.constant(0));
    all = c.allReduceMean(all, total);
    List<Operand<TInt32>> sizes = new ArrayList<>();
    for (Operand<TFloating> g : grads) {
      sizes.add(tf.reshape(tf.size(g), tf.constant(new int[] {1})));
    }
    org.tensorflow.op.core.SplitV<TFloating> parts =
        tf.splitV(all, tf.concat(sizes, tf.constant(0)), tf.constant(0), (long) grads.size());
    List<Operand<TFloating>> out = new ArrayList<>();
    for (int i = 0; i < grads.size(); i++) {
      out.add(tf.reshape(parts.output().get(i), tf.shape(grads.get(i))));
    }
    return out;
  }

  private Replicas replicas(
      TfTensorOps ops,
      Collectives c,
      PlaceholderWithDefault<TFloating> lossWeight,
      MaskedCrossEntropy.Outputs metrics,
      Map<String, Operand<TFloating>> dagTerms,
      Operand<TFloating> objective,
      Operand<TFloating> appliedNorm,
      Map<String, Parameter> params) {
    Ops tf = ops.tf();
    List<Operand<TFloating>> local = new ArrayList<>();
    local.add(tf.math.mul(lossWeight, metrics.loss()));
    local.add(tf.math.mul(lossWeight, metrics.accuracy()));
    local.add(metrics.targetCount());
    local.add(objective);
    local.addAll(dagTerms.values());
    Operand<TFloating> reduced = c.allReduceMean(tf.stack(local));
    List<Parameter> state = new ArrayList<>(params.values());
    state.addAll(optimizer.state().all().values());
    List<Operand<TFloating>> flat = new ArrayList<>();
    for (Parameter p : state) {
      flat.add(tf.reshape(p.<TFloating>value(), tf.constant(new int[] {-1})));
    }
    Operand<TFloating> chiefs = c.broadcast(tf.concat(flat, tf.constant(0)));
    long[] sizes = new long[state.size()];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = state.get(i).spec().shape().size();
    }
    org.tensorflow.op.core.SplitV<TFloating> parts =
        tf.splitV(chiefs, tf.constant(sizes), tf.constant(0), (long) sizes.length);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      Parameter p = state.get(i);
      assigns.add(
          tf.assign(
              p.<TFloating>variableRef(),
              tf.reshape(parts.output().get(i), tf.constant(p.spec().shape().dims()))));
    }
    Placeholder<TFloat32> lengthIn =
        tf.placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(1)));
    Placeholder<TFloat32> bytesIn =
        tf.placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
    Placeholder<TFloat32> statusIn =
        tf.placeholder(TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(1)));
    Placeholder<TFloat64> sumsIn =
        tf.placeholder(TFloat64.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1)));
    return new Replicas(
        lossWeight,
        reduced,
        appliedNorm,
        tf.withControlDependencies(assigns).noOp(),
        new Exchange(lengthIn, c.broadcast(lengthIn)),
        new Exchange(bytesIn, c.broadcast(bytesIn)),
        new Exchange(statusIn, c.allGather(statusIn)),
        new Sums(sumsIn, c.allReduceSum(sumsIn)));
  }

  /** An all-reduce sum of a fed float64 vector: what each worker feeds, and the workers' sum. */
  public record Sums(Placeholder<TFloat64> in, Operand<TFloat64> out) {}

  /** A collective on a fed vector: what each worker feeds, and what it gets back. */
  public record Exchange(Placeholder<TFloat32> in, Operand<TFloat32> out) {}

  /**
   * The parts of a replica's graph: the loss weight to feed with each micro-batch, the step's
   * metrics averaged over the workers ({@code [w·cross-entropy, w·accuracy, targets, objective, DAG
   * terms…]}, w the loss weight: their means are the global batch's cross-entropy, accuracy,
   * targets ÷ workers, objective and DAG terms), the norm of the averaged gradient the update
   * applies, the operation that sets every variable (parameters and optimiser state) to the
   * chief's, the start-up exchanges: the chief's values of a length and of a byte string, and every
   * worker's status, and the sum over the workers of a float64 vector (validation's sums).
   */
  public record Replicas(
      PlaceholderWithDefault<TFloating> lossWeight,
      Operand<TFloating> metrics,
      Operand<TFloating> gradientNorm,
      Op broadcastState,
      Exchange chiefLength,
      Exchange chiefBytes,
      Exchange statuses,
      Sums sums) {}

  /** Workers that train this graph's replicas (1 for one process). */
  public int replicaCount() {
    return replicaCount;
  }

  /** The replica parts of a data-parallel graph; empty for one process. */
  public Optional<Replicas> replicas() {
    return replicas;
  }

  private static Map<String, Operand<TFloating>> dagTerms(
      TfTensorOps ops, List<PldrDecoder.LayerGraph> layers, DagCoefficients c, ModelConfig config) {
    Map<String, List<Operand<TFloating>>> groups = new LinkedHashMap<>();
    groups.put(DAG_A, layers.stream().map(PldrDecoder.LayerGraph::aLm).toList());
    if (layers.stream().allMatch(l -> l.potential().isPresent())) {
      groups.put(DAG_P, layers.stream().map(l -> l.potential().get()).toList());
    } else if (c.p() > 0) {
      throw new ConfigException(
          "train config",
          "dag.c_p",
          "the operator '"
              + config.getTensorOperator().getName()
              + "' has no potential tensor A_P (the learned"
              + " operator has); expected c_p = 0 with it, found "
              + c.p());
    }
    groups.put(DAG_G, layers.stream().map(PldrDecoder.LayerGraph::gLm).toList());
    List<Operand<TFloating>> means = DagPenalty.means(ops, new ArrayList<>(groups.values()));
    Map<String, Operand<TFloating>> terms = new LinkedHashMap<>();
    int i = 0;
    for (String name : groups.keySet()) {
      terms.put(name, means.get(i++));
    }
    return terms;
  }

  private static Operand<TFloating> withDagTerms(
      TfTensorOps ops,
      Operand<TFloating> loss,
      Map<String, Operand<TFloating>> terms,
      DagCoefficients c) {
    Map<String, Double> weights = Map.of(DAG_A, c.a(), DAG_P, c.p(), DAG_G, c.g());
    Operand<TFloating> total = loss;
    for (Map.Entry<String, Operand<TFloating>> t : terms.entrySet()) {
      double w = weights.get(t.getKey());
      if (w > 0) {
        total = ops.tf().math.add(total, ops.tf().math.mul(ops.scalar(w), t.getValue()));
      }
    }
    return total;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloating> cast(Output<?> g) {
    if (g == null) {
      throw new IllegalStateException("a parameter has no gradient path to the loss");
    }
    return (Operand<TFloating>) g;
  }

  private static Operand<TFloating> globalNorm(TfTensorOps ops, List<Operand<TFloating>> grads) {
    Ops tf = ops.tf();
    List<Operand<TFloating>> squares = new ArrayList<>();
    for (Operand<TFloating> g : grads) {
      squares.add(tf.sum(tf.math.square(g), allAxes(tf, g)));
    }
    return tf.math.sqrt(tf.math.addN(squares));
  }

  private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Operand<?> g) {
    return tf.range(tf.constant(0), tf.rank(g), tf.constant(1));
  }

  private static List<Operand<TFloating>> clip(
      TfTensorOps ops, List<Operand<TFloating>> grads, Clip clip) {
    Ops tf = ops.tf();
    List<Operand<TFloating>> out = new ArrayList<>();
    if (clip instanceof Clip.ByValue v) {
      for (Operand<TFloating> g : grads) {
        out.add(tf.clipByValue(g, ops.scalar(-v.limit()), ops.scalar(v.limit())));
      }
    } else if (clip instanceof Clip.ByGlobalNorm n) {
      Operand<TFloating> norm = globalNorm(ops, grads);
      Operand<TFloating> scale =
          tf.math.div(ops.scalar(n.limit()), tf.math.maximum(norm, ops.scalar(n.limit())));
      for (Operand<TFloating> g : grads) {
        out.add(tf.math.mul(g, scale));
      }
    } else {
      out.addAll(grads);
    }
    return out;
  }

  /** The model's graph, parameters and decoder. */
  public ModelGraph model() {
    return model;
  }

  /** Token rows {@code [B, T+1]}: inputs and shifted targets in one. */
  public Placeholder<TInt64> batch() {
    return batch;
  }

  /** The learning rate of this step. */
  public Placeholder<TFloating> learningRate() {
    return learningRate;
  }

  /**
   * What the optimiser minimises and the gradients are of: the cross-entropy, plus c·dag for each
   * DAG term with a coefficient above 0.
   */
  public Operand<TFloating> loss() {
    return loss;
  }

  /** The masked next-token cross-entropy. */
  public Operand<TFloating> crossEntropy() {
    return metrics.loss();
  }

  /**
   * This batch's DAG terms by {@link #DAG_A}, {@link #DAG_P} (only with a potential tensor) and
   * {@link #DAG_G}, each averaged over layers, batch and heads; empty without DAG regularisation.
   */
  public Map<String, Operand<TFloating>> dagTerms() {
    return dagTerms;
  }

  public Operand<TFloating> accuracy() {
    return metrics.accuracy();
  }

  /** Targets that counted (not padding). */
  public Operand<TFloating> targetCount() {
    return metrics.targetCount();
  }

  /** This batch's unclipped gradient of the loss for each parameter, by parameter name. */
  public Map<String, Operand<TFloating>> gradients() {
    return rawGradients;
  }

  /** Global L2 norm of this batch's unclipped gradients. */
  public Operand<TFloating> gradientNorm() {
    return gradientNorm;
  }

  /** Applies the (averaged, clipped) gradients with AdamW. */
  public Op update() {
    return optimizer.update();
  }

  /** Sets the optimiser's state to its start in the graph. */
  public Op resetOptimizer() {
    return optimizer.reset();
  }

  /** The optimiser's state variables. */
  public ParameterRegistry optimizerState() {
    return optimizer.state();
  }

  /** Micro-batches per update. */
  public int accumulationSteps() {
    return accumulationSteps;
  }

  /** Adds this batch's gradients to the accumulators (accumulation only). */
  public Op accumulate() {
    return accumulate;
  }

  /** Zeroes the accumulators (accumulation only). */
  public Op resetAccumulators() {
    return resetAccumulators;
  }
}
