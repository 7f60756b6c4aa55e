package io.pldr.cache;

import io.pldr.api.cache.CacheMode;
import io.pldr.api.cache.GCache;
import io.pldr.api.config.ModelConfig;
import io.pldr.api.model.ModelSpec;
import io.pldr.api.model.WeightFormat;
import io.pldr.api.operator.DeductiveOutputs;
import io.pldr.api.tensor.HostTensor;
import io.pldr.tf.io.GCacheFile;
import io.pldr.tf.model.DecoderLayer;
import io.pldr.tf.model.PldrDecoder;
import io.pldr.tf.ops.TfTensorOps;
import io.pldr.tf.runtime.HostTensors;
import io.pldr.tf.runtime.InputCheck;
import io.pldr.tf.runtime.ModelGraph;
import io.pldr.tf.runtime.SessionConfigs;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Incremental decoding of a PLDR-LLM in the reference's four cache modes. The prompt pass ({@link
 * #prefill}) computes everything and keeps, per layer, the rotated keys and values, the refined
 * metric tensor and A_LM, G_LM. Each {@link #step} then runs a graph built once for its mode:
 *
 * <ul>
 *   <li>{@code kv_g}: only the new token; cached keys, values, A_LM and G_LM — no metric tensor, no
 *       metric learner, no power law;
 *   <li>{@code kv}: only the new token; cached keys, values and refined metric; the power law
 *       recomputes A_LM and G_LM;
 *   <li>{@code g}: the whole sequence again, every layer with the prompt's A_LM and G_LM;
 *   <li>{@code none}: the whole sequence again, everything recomputed.
 * </ul>
 *
 * Caches stay in native memory between steps. Safe for concurrent use on different states.
 */
public final class CachedDecoder implements AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(CachedDecoder.class);

  /**
   * Below this many bytes of float32 matrices, reduced weights decode slower than float32 (the
   * small shape's 7 MB: bfloat16 0.85×, int8 0.4×; docs/benchmarks.md): loading a model so gets a
   * warning.
   */
  static final long REDUCED_WEIGHTS_PAY_ABOVE_BYTES = 64L << 20;

  private final ModelGraph model;
  private final WeightFormat weights;
  private final int threads;
  private final Session session;
  private final Placeholder<TInt64> tokens;
  private final Placeholder<TInt32> cachedLength;
  private final PlaceholderWithDefault<TInt32> offsets;
  private final Placeholder<TFloating> cacheMask;
  private final boolean hasMetric;
  private final Map<CacheMode, Graphs> steps = new EnumMap<>(CacheMode.class);

  /** One subgraph: its cache inputs per layer, its last-position logits and new caches. */
  private record Graphs(
      List<LayerInputs> inputs, Operand<TFloating> lastLogits, PldrDecoder.Outputs outputs) {}

  /** A layer's cache placeholders (absent where the mode does not feed them). */
  private record LayerInputs(
      Optional<Placeholder<TFloating>> keys,
      Optional<Placeholder<TFloating>> values,
      Optional<Placeholder<TFloating>> refined,
      Optional<Placeholder<TFloating>> aLm,
      Optional<Placeholder<TFloating>> gLm) {}

  /** The decoder of {@code spec}'s model, its parameters not yet loaded ({@link #load}). */
  public CachedDecoder(ModelSpec spec) {
    this(spec, WeightFormat.FLOAT32);
  }

  /**
   * The decoder of {@code spec}'s model with its matrices stored in {@code weights} (computed from
   * the float32 values when they are {@linkplain #load loaded}); fails, naming both, for a format
   * the model cannot use.
   */
  public CachedDecoder(ModelSpec spec, WeightFormat weights) {
    this.model = new ModelGraph(spec, weights);
    this.weights = weights;
    try {
      Ops tf = model.tf();
      this.tokens =
          tf.withName("decode_tokens")
              .placeholder(TInt64.class, Placeholder.shape(Shape.of(-1, -1)));
      this.cachedLength =
          tf.withName("decode_cached_length")
              .placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
      this.offsets =
          tf.withName("decode_offsets")
              .placeholderWithDefault(tf.constant(new int[] {0}), Shape.of(-1));
      this.cacheMask =
          tf.withName("decode_cache_mask")
              .placeholder(model.ops().type(), Placeholder.shape(Shape.of(-1, 1, -1, -1)));
      Graphs none = build(CacheMode.NONE, false);
      this.hasMetric = none.outputs().layers().get(0).refinedMetric().isPresent();
      steps.put(CacheMode.NONE, none);
      for (CacheMode mode : List.of(CacheMode.KV_G, CacheMode.KV, CacheMode.G)) {
        steps.put(mode, build(mode, hasMetric));
      }
      long elements = 0;
      for (var p : model.parameterSpecs().values()) {
        elements += p.shape().size();
      }
      long floatBytes = elements * bytesPerElement(model, WeightFormat.FLOAT32);
      if (weights.reduced() && floatBytes < REDUCED_WEIGHTS_PAY_ABOVE_BYTES) {
        log.warn(
            "{} weights pay for models whose matrices outgrow the CPU's caches; this model's take"
                + " {} MiB in float32, which decodes faster (docs/benchmarks.md)",
            weights.id(),
            floatBytes >> 20);
      }
      // what a decoding step reads: every parameter in the decoder's format (the few vectors
      // counted alike)
      ConfigProto config = SessionConfigs.decoding(elements * bytesPerElement(model, weights));
      this.threads = config.getIntraOpParallelismThreads();
      this.session = model.openSession(config);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * The graph of one pass in {@code mode}: the KV modes feed each layer's keys and values and
   * compute only the new positions, the G modes feed A_LM and G_LM, and {@code kv} alone feeds the
   * prompt's refined metric tensor (when the operator has one, {@code refines}).
   */
  private Graphs build(CacheMode mode, boolean refines) {
    TfTensorOps ops = model.ops();
    Ops tf = ops.tf();
    boolean kv = mode.usesKvCache();
    boolean g = mode.usesGCache();
    boolean refined = kv && !g && refines;
    int h = model.config().getNumHeads();
    int d = model.config().getDModel() / h;
    List<LayerInputs> inputs = new ArrayList<>();
    List<DecoderLayer.CacheInputs> caches = new ArrayList<>();
    for (int i = 0; i < model.config().getNumLayers(); i++) {
      Optional<Placeholder<TFloating>> k =
          kv ? Optional.of(input(tf, Shape.of(-1, h, -1, d))) : Optional.empty();
      Optional<Placeholder<TFloating>> v =
          kv ? Optional.of(input(tf, Shape.of(-1, h, -1, d))) : Optional.empty();
      Optional<Placeholder<TFloating>> a =
          refined ? Optional.of(input(tf, Shape.of(-1, h, d, d))) : Optional.empty();
      Optional<Placeholder<TFloating>> aLm =
          g ? Optional.of(input(tf, Shape.of(-1, h, d, d))) : Optional.empty();
      Optional<Placeholder<TFloating>> gLm =
          g ? Optional.of(input(tf, Shape.of(-1, h, d, d))) : Optional.empty();
      inputs.add(new LayerInputs(k, v, a, aLm, gLm));
      caches.add(
          new DecoderLayer.CacheInputs(
              k.map(p -> p),
              v.map(p -> p),
              a.map(p -> p),
              g
                  ? Optional.of(new DeductiveOutputs(ops.wrap(aLm.get()), ops.wrap(gLm.get())))
                  : Optional.empty()));
    }
    // the KV modes' passes compute a few rows (one per sequence): their products keep reordered
    // weights; the others compute every position and reorder per call
    boolean previous = ops.parameters().cachedWeights(kv);
    try {
      PldrDecoder.Outputs out =
          model
              .decoder()
              .forward(
                  tokens,
                  kv ? cachedLength : tf.constant(0),
                  offsets,
                  caches,
                  kv ? Optional.of(cacheMask) : Optional.empty());
      return new Graphs(inputs, out.lastLogits(), out);
    } finally {
      ops.parameters().cachedWeights(previous);
    }
  }

  private Placeholder<TFloating> input(Ops tf, Shape shape) {
    return tf.placeholder(model.ops().type(), Placeholder.shape(shape));
  }

  /**
   * Whether the model's operator computes a refined metric tensor (a metric operator): then mode
   * {@code kv} needs a prompt pass that computed it, which a pass with a G-cache does not.
   */
  public boolean refinesMetric() {
    return hasMetric;
  }

  /** The bytes of one matrix element in {@code weights} for {@code model}. */
  private static int bytesPerElement(ModelGraph model, WeightFormat weights) {
    return switch (weights) {
      case FLOAT32 -> model.dtype() == io.pldr.api.tensor.DType.FLOAT64 ? 8 : 4;
      case BFLOAT16 -> 2;
      case INT8 -> 1;
    };
  }

  /**
   * The intra-op threads this decoder's session asked for ({@link SessionConfigs#decodingThreads}):
   * what it runs on when the process has a pool per session ({@link
   * SessionConfigs#perSessionThreadPools}, as under {@code ./pldr}); otherwise TensorFlow gives it
   * the pool of the process's first session.
   */
  public int intraOpThreads() {
    return threads;
  }

  /** How the decoder stores the model's matrices. */
  public WeightFormat weights() {
    return weights;
  }

  /** The model's configuration. */
  public ModelConfig config() {
    return model.config();
  }

  /** First values of every parameter, reproducible from {@code seed} (for benchmarks). */
  public Map<String, HostTensor> initialValues(long seed) {
    return model.initialValues(seed);
  }

  /**
   * Loads parameters (exactly the model's; checked first) in few session runs ({@link
   * io.pldr.tf.runtime.VariableIo}); returns how many it made. A reduced {@link #weights()} format
   * is computed from the float32 values here.
   */
  public int load(Map<String, HostTensor> parameters) {
    return model.assign(session, parameters, "parameters");
  }

  /**
   * The parameters as the decoder holds them, in the model's type: with reduced weights, the
   * matrices as rounded to their format.
   */
  public Map<String, HostTensor> parameters() {
    return model.read(session);
  }

  /** Last-position logits {@code [B, V]} of a pass, and the caches after it. */
  public record Step(HostTensor logits, DecodeState state) {}

  /** The prompt pass over {@code rows [B, P]}: logits of position P − 1 and the caches. */
  public Step prefill(long[][] rows) {
    InputCheck.tokens(rows, model.config());
    Session.Runner r = session.runner().fetch(steps.get(CacheMode.NONE).lastLogits());
    for (PldrDecoder.LayerGraph l : steps.get(CacheMode.NONE).outputs().layers()) {
      r.fetch(l.keys()).fetch(l.values()).fetch(l.aLm());
      if (l.gLm() != l.aLm()) {
        r.fetch(l.gLm());
      }
      l.refinedMetric().ifPresent(r::fetch);
    }
    try (TInt64 t = HostTensors.tokens(rows)) {
      Result res = r.feed(tokens, t).run();
      HostTensor logits = HostTensors.fromTensor(res.get(0));
      List<LayerState> layers = new ArrayList<>();
      int i = 1;
      for (PldrDecoder.LayerGraph l : steps.get(CacheMode.NONE).outputs().layers()) {
        Tensor k = res.get(i++);
        Tensor v = res.get(i++);
        Tensor aLm = res.get(i++);
        Tensor gLm = l.aLm() == l.gLm() ? aLm : res.get(i++);
        Optional<Tensor> a =
            l.refinedMetric().isPresent() ? Optional.of(res.get(i++)) : Optional.empty();
        layers.add(new LayerState(k, v, a, aLm, gLm));
      }
      res.get(0).close();
      return new Step(logits, new DecodeState(layers, rows[0].length));
    }
  }

  /**
   * Every deductive output of the prompt pass over {@code row} (batch 1): per layer A (when the
   * operator computes one), A_LM, A_P (when it computes one), G_LM and the attention weights E. One
   * run of the prompt pass's graph ({@code none}), fetching tensors it computes anyway: no graph is
   * built or changed for it.
   */
  public DeductiveTensors deductive(long[] row) {
    long[][] rows = {row};
    InputCheck.tokens(rows, model.config());
    int h = model.config().getNumHeads();
    int d = model.config().getDModel() / h;
    io.pldr.api.tensor.Shape square = io.pldr.api.tensor.Shape.of(1, h, d, d);
    List<Operand<TFloating>> fetches = new ArrayList<>();
    List<int[]> at = new ArrayList<>(); // per layer: indices of A, A_LM, A_P, G_LM, E (−1: absent)
    for (PldrDecoder.LayerGraph l : steps.get(CacheMode.NONE).outputs().layers()) {
      at.add(
          new int[] {
            l.refinedMetric().map(t -> index(fetches, t)).orElse(-1),
            index(fetches, l.aLm()),
            l.potential().map(t -> index(fetches, t)).orElse(-1),
            index(fetches, l.gLm()),
            index(fetches, l.attentionWeights())
          });
    }
    Session.Runner r = session.runner();
    fetches.forEach(r::fetch);
    try (TInt64 t = HostTensors.tokens(rows);
        Result res = r.feed(tokens, t).run()) {
      List<HostTensor> host = new ArrayList<>();
      for (int i = 0; i < fetches.size(); i++) {
        host.add(HostTensors.fromTensor(res.get(i)));
      }
      List<DeductiveTensors.Layer> layers = new ArrayList<>();
      for (int[] i : at) {
        layers.add(
            new DeductiveTensors.Layer(
                i[0] < 0 ? Optional.empty() : Optional.of(host.get(i[0]).reshape(square)),
                host.get(i[1]).reshape(square),
                i[2] < 0 ? Optional.empty() : Optional.of(host.get(i[2]).reshape(square)),
                host.get(i[3]).reshape(square),
                host.get(i[4])));
      }
      List<Long> ids = new ArrayList<>();
      for (long id : row) {
        ids.add(id);
      }
      return new DeductiveTensors(ids, layers);
    }
  }

  /** The index of {@code t} in {@code fetches}, added if absent (each tensor fetched once). */
  private static int index(List<Operand<TFloating>> fetches, Operand<TFloating> t) {
    for (int i = 0; i < fetches.size(); i++) {
      if (fetches.get(i) == t) {
        return i;
      }
    }
    fetches.add(t);
    return fetches.size() - 1;
  }

  /**
   * The prompt pass with a G-cache inferred earlier (a {@link GCacheFile}): every layer uses the
   * given A_LM and G_LM, so not even the prompt runs the metric tensor, the metric learner or the
   * power law. The returned state continues in any mode but {@code kv} (which needs the prompt's
   * refined metric).
   */
  public Step prefill(long[][] rows, GCache gCache) {
    return prefill(rows, gCache, null);
  }

  /**
   * The prompt pass of prompts of different lengths with a G-cache, in one pass: rows padded on the
   * left to the longest prompt, each row's tokens at their own positions (the offsets fed). With
   * A_LM and G_LM given no row computes a metric tensor, so padding changes nothing a row computes
   * (padding keys are masked), and the state continues as after {@link #prefill(List, GCache)}:
   * steps take rows padded the same way. Every row shares the G-cache's A_LM and G_LM ({@code [1,
   * H, d, d]}). Logits {@code [B, V]} are each row's last position's.
   */
  public Step prefillPadded(List<long[]> prompts, GCache gCache) {
    int longest =
        prompts.stream()
            .mapToInt(p -> p.length)
            .max()
            .orElseThrow(() -> new IllegalArgumentException("no prompts"));
    long pad = model.config().getTokenIds().getPad();
    long[][] rows = new long[prompts.size()][longest];
    int[] pads = new int[prompts.size()];
    for (int b = 0; b < rows.length; b++) {
      long[] p = prompts.get(b);
      pads[b] = longest - p.length;
      java.util.Arrays.fill(rows[b], 0, pads[b], pad);
      System.arraycopy(p, 0, rows[b], pads[b], p.length);
    }
    return prefill(rows, gCache, pads);
  }

  /**
   * The pass of {@code prefill(rows, gCache)}, rows padded on the left by {@code pads} (or none).
   */
  private Step prefill(long[][] rows, GCache gCache, int[] pads) {
    InputCheck.tokens(rows, model.config());
    if (gCache.numLayers() != model.config().getNumLayers()) {
      throw new IllegalArgumentException(
          "a G-cache of "
              + gCache.numLayers()
              + " layers for a model of "
              + model.config().getNumLayers());
    }
    Graphs g = steps.get(CacheMode.G);
    Session.Runner r = session.runner().fetch(g.lastLogits());
    List<Tensor> given = new ArrayList<>();
    try (TInt64 t = HostTensors.tokens(rows);
        TInt32 o = pads == null ? null : TInt32.vectorOf(pads)) {
      r.feed(tokens, t);
      if (o != null) {
        r.feed(offsets, o);
      }
      for (int i = 0; i < g.inputs().size(); i++) {
        Tensor a = HostTensors.toTensor(gCache.layer(i).aLm(), model.dtype());
        given.add(a);
        Tensor gl = HostTensors.toTensor(gCache.layer(i).gLm(), model.dtype());
        given.add(gl);
        r.feed(g.inputs().get(i).aLm().orElseThrow(), a)
            .feed(g.inputs().get(i).gLm().orElseThrow(), gl);
        PldrDecoder.LayerGraph out = g.outputs().layers().get(i);
        r.fetch(out.keys()).fetch(out.values());
      }
      Result res = r.run();
      HostTensor logits = HostTensors.fromTensor(res.get(0));
      res.get(0).close();
      List<LayerState> layers = new ArrayList<>();
      for (int i = 0; i < g.inputs().size(); i++) {
        layers.add(
            new LayerState(
                res.get(1 + 2 * i),
                res.get(2 + 2 * i),
                Optional.empty(),
                given.get(2 * i),
                given.get(2 * i + 1)));
      }
      return new Step(logits, new DecodeState(layers, rows[0].length, pads));
    } catch (RuntimeException e) {
      given.forEach(Tensor::close);
      throw e;
    }
  }

  /**
   * The prompt pass of prompts of different lengths, batched for the steps that follow: each prompt
   * runs alone (so its metric tensor, and everything after it, is what it is alone), then the
   * caches are put together with each row padded on the left to the longest prompt. Steps take rows
   * padded the same way (padding id in the first {@code P − length} columns); each row computes
   * what it computes alone, since padding keys are masked and rotary attention depends only on
   * differences of positions. Logits {@code [B, V]} are each row's last position's.
   */
  public Step prefill(List<long[]> prompts) {
    return prefill(prompts, Optional.empty());
  }

  /** As {@link #prefill(List)}, every prompt's pass with a G-cache inferred earlier. */
  public Step prefill(List<long[]> prompts, GCache gCache) {
    return prefill(prompts, Optional.of(gCache));
  }

  private Step prefill(List<long[]> prompts, Optional<GCache> gCache) {
    int longest =
        prompts.stream()
            .mapToInt(p -> p.length)
            .max()
            .orElseThrow(() -> new IllegalArgumentException("no prompts"));
    List<Step> alone = new ArrayList<>();
    try {
      for (long[] p : prompts) {
        long[][] row = {p};
        alone.add(gCache.isPresent() ? prefill(row, gCache.get()) : prefill(row));
      }
      int[] pads = prompts.stream().mapToInt(p -> longest - p.length).toArray();
      List<LayerState> layers = new ArrayList<>();
      for (int i = 0; i < model.config().getNumLayers(); i++) {
        int layer = i;
        List<LayerState> rows = alone.stream().map(st -> st.state().layers().get(layer)).toList();
        Tensor aLm = stacked(rows.stream().map(LayerState::aLm).toList());
        layers.add(
            new LayerState(
                leftPadded(rows.stream().map(LayerState::keys).toList(), pads),
                leftPadded(rows.stream().map(LayerState::values).toList(), pads),
                rows.get(0).refinedMetric().isPresent()
                    ? Optional.of(
                        stacked(rows.stream().map(l -> l.refinedMetric().orElseThrow()).toList()))
                    : Optional.empty(),
                aLm,
                rows.get(0).gLm() == rows.get(0).aLm()
                    ? aLm // one tensor for both (identity)
                    : stacked(rows.stream().map(LayerState::gLm).toList())));
      }
      List<HostTensor> logits = alone.stream().map(Step::logits).toList();
      return new Step(stackedHost(logits), new DecodeState(layers, longest, pads));
    } finally {
      alone.forEach(st -> st.state().close());
    }
  }

  /** {@code [1, H, S_b, d]} per row to {@code [B, H, max S, d]}, zeros on the left. */
  private Tensor leftPadded(List<Tensor> rows, int[] pads) {
    List<HostTensor> host = rows.stream().map(HostTensors::fromTensor).toList();
    long[] dims = host.get(0).shape().dims();
    int heads = (int) dims[1];
    int depth = (int) dims[3];
    int longest = 0;
    for (int b = 0; b < host.size(); b++) {
      longest = Math.max(longest, (int) host.get(b).shape().dim(2) + pads[b]);
    }
    double[] out = new double[host.size() * heads * longest * depth];
    for (int b = 0; b < host.size(); b++) {
      double[] v = host.get(b).toDoubleArray();
      int length = (int) host.get(b).shape().dim(2);
      for (int h = 0; h < heads; h++) {
        System.arraycopy(
            v,
            h * length * depth,
            out,
            ((b * heads + h) * longest + pads[b]) * depth,
            length * depth);
      }
    }
    return HostTensors.toTensor(
        HostTensor.wrap(
            host.get(0).dtype(),
            io.pldr.api.tensor.Shape.of(host.size(), heads, longest, depth),
            out),
        model.dtype());
  }

  /** {@code [1, ...]} per row to {@code [B, ...]}. */
  private Tensor stacked(List<Tensor> rows) {
    return HostTensors.toTensor(
        stackedHost(rows.stream().map(HostTensors::fromTensor).toList()), model.dtype());
  }

  private static HostTensor stackedHost(List<HostTensor> rows) {
    long[] dims = rows.get(0).shape().dims().clone();
    int size = rows.get(0).size();
    double[] out = new double[rows.size() * size];
    for (int b = 0; b < rows.size(); b++) {
      System.arraycopy(rows.get(b).toDoubleArray(), 0, out, b * size, size);
    }
    dims[0] = rows.size();
    return HostTensor.wrap(rows.get(0).dtype(), io.pldr.api.tensor.Shape.of(dims), out);
  }

  /**
   * One decoding step: {@code rows [B, N]} are all tokens so far, the last N − state.length() of
   * them new (one, usually). Takes ownership of {@code state}: use the returned one (in the KV
   * modes the new keys and values are written into {@code state}'s caches in place).
   */
  public Step step(DecodeState state, long[][] rows, CacheMode mode) {
    checkStep(state, rows, mode);
    Graphs g = steps.get(mode);
    Session.Runner r = session.runner().fetch(g.lastLogits());
    List<Tensor> temporary = new ArrayList<>();
    TInt64 t = HostTensors.tokens(rows);
    temporary.add(t);
    TInt32 s = TInt32.scalarOf(state.length());
    temporary.add(s);
    TInt32 rowOffsets = state.offsets().map(TInt32::vectorOf).orElse(null);
    if (rowOffsets != null) {
      temporary.add(rowOffsets);
    }
    Tensor mask = cacheMask(state, rows, mode);
    if (mask != null) {
      temporary.add(mask);
    }
    feedStep(r, mode, state, t, s, rowOffsets, mask);
    if (mode.usesKvCache()) {
      for (PldrDecoder.LayerGraph out : g.outputs().layers()) {
        r.fetch(out.keys()).fetch(out.values());
      }
    }
    try {
      Result res = r.run();
      HostTensor logits = HostTensors.fromTensor(res.get(0));
      res.get(0).close();
      if (!mode.usesKvCache()) {
        return new Step(logits, state);
      }
      // the new positions' keys and values, written into the caches (in place while they have room)
      List<Tensor> keys = new ArrayList<>();
      List<Tensor> values = new ArrayList<>();
      for (int i = 0; i < state.layers().size(); i++) {
        keys.add(res.get(1 + 2 * i));
        values.add(res.get(2 + 2 * i));
      }
      return new Step(logits, state.appended(keys, values));
    } finally {
      temporary.forEach(Tensor::close);
    }
  }

  /**
   * Logits at every position of {@code rows [B, N]}, everything computed (no cache): {@code [B, N,
   * V]}, what one uncached forward pass gives.
   */
  public HostTensor logits(long[][] rows) {
    InputCheck.tokens(rows, model.config());
    try (TInt64 t = HostTensors.tokens(rows);
        Result res =
            session
                .runner()
                .fetch(steps.get(CacheMode.NONE).outputs().logits())
                .feed(tokens, t)
                .run()) {
      return HostTensors.fromTensor(res.get(0));
    }
  }

  /**
   * Logits at every position one pass of {@code mode} computes from {@code state}, which stays
   * valid and unchanged (nothing new is cached): {@code [B, N − state.length(), V]} in the KV
   * modes, {@code [B, N, V]} in {@code g} and {@code none}. Scores several continuations of one
   * prompt from the prompt's caches, all tokens of a continuation in one pass.
   */
  public HostTensor logits(DecodeState state, long[][] rows, CacheMode mode) {
    checkStep(state, rows, mode);
    if (mode.usesKvCache() && rows[0].length <= state.length()) {
      throw new IllegalArgumentException(
          "rows of "
              + rows[0].length
              + " tokens add nothing to"
              + " the "
              + state.length()
              + " cached positions");
    }
    Session.Runner r = session.runner().fetch(steps.get(mode).outputs().logits());
    try (TInt64 t = HostTensors.tokens(rows);
        TInt32 s = TInt32.scalarOf(state.length());
        TInt32 o = state.offsets().map(TInt32::vectorOf).orElse(null);
        Tensor m = cacheMask(state, rows, mode);
        Result res = feedStep(r, mode, state, t, s, o, m).run()) {
      return HostTensors.fromTensor(res.get(0));
    }
  }

  /**
   * Feeds the rows, the cached length and the mask (KV modes), the rows' padding offsets and the
   * caches a mode's step graph reads.
   */
  private Session.Runner feedStep(
      Session.Runner r,
      CacheMode mode,
      DecodeState state,
      TInt64 rows,
      TInt32 length,
      TInt32 rowOffsets,
      Tensor mask) {
    r.feed(tokens, rows);
    if (rowOffsets != null) {
      r.feed(offsets, rowOffsets);
    }
    if (mode.usesKvCache()) {
      r.feed(cachedLength, length);
      r.feed(cacheMask, mask);
    }
    feedCaches(r, steps.get(mode), state);
    return r;
  }

  /**
   * {@code [B, 1, n, C + n]}, 1 where attention is forbidden, for a KV-cache pass over {@code rows
   * [B, N]} from {@code state} (S positions cached in C ≥ S columns, n = N − S new): the cache's
   * columns first (padding tokens and the C − S spare columns masked), then the new positions (each
   * masked for the queries before it, and where it is padding). Null outside the KV modes.
   */
  private Tensor cacheMask(DecodeState state, long[][] rows, CacheMode mode) {
    if (!mode.usesKvCache()) {
      return null;
    }
    long pad = model.config().getTokenIds().getPad();
    int cached = state.length();
    int capacity = state.capacity();
    int fresh = rows[0].length - cached;
    int width = capacity + fresh;
    double[] m = new double[rows.length * fresh * width];
    for (int b = 0; b < rows.length; b++) {
      for (int i = 0; i < fresh; i++) {
        int at = (b * fresh + i) * width;
        for (int j = 0; j < capacity; j++) {
          m[at + j] = j >= cached || rows[b][j] == pad ? 1 : 0;
        }
        for (int k = 0; k < fresh; k++) {
          m[at + capacity + k] = k > i || rows[b][cached + k] == pad ? 1 : 0;
        }
      }
    }
    return HostTensors.toTensor(
        HostTensor.wrap(
            model.dtype(), io.pldr.api.tensor.Shape.of(rows.length, 1, fresh, width), m),
        model.dtype());
  }

  private void checkStep(DecodeState state, long[][] rows, CacheMode mode) {
    InputCheck.tokens(rows, model.config());
    if (mode == CacheMode.KV && hasMetric && state.layers().get(0).refinedMetric().isEmpty()) {
      throw new IllegalStateException(
          "mode kv needs the prompt's refined metric tensor, which a"
              + " prompt pass with a G-cache file does not compute: use kv_g or g");
    }
  }

  /** Feeds each layer's cached tensors to the placeholders a mode's graph has. */
  private static void feedCaches(Session.Runner r, Graphs g, DecodeState state) {
    for (int i = 0; i < g.inputs().size(); i++) {
      LayerInputs in = g.inputs().get(i);
      LayerState l = state.layers().get(i);
      in.keys().ifPresent(p -> r.feed(p, l.keys()));
      in.values().ifPresent(p -> r.feed(p, l.values()));
      in.refined().ifPresent(p -> r.feed(p, l.refinedMetric().orElseThrow()));
      in.aLm().ifPresent(p -> r.feed(p, l.aLm()));
      in.gLm().ifPresent(p -> r.feed(p, l.gLm()));
    }
  }

  /**
   * The names of the graph nodes one step of {@code mode} executes (TensorFlow's step trace), to
   * show what a mode computes. Fetches only the logits: {@code state} stays valid.
   */
  java.util.Set<String> executedNodes(DecodeState state, long[][] rows, CacheMode mode) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    traceStep(state, rows, mode, false)
        .getDevStatsList()
        .forEach(d -> d.getNodeStatsList().forEach(n -> names.add(n.getNodeName())));
    return names;
  }

  /**
   * Per graph node ("name label"): the microseconds one step of {@code mode} spent in it, from
   * TensorFlow's full trace of that step (for {@code StepProfileTest}; tracing slows the step).
   * {@code state} stays valid.
   */
  java.util.Map<String, Long> nodeMicros(DecodeState state, long[][] rows, CacheMode mode) {
    java.util.Map<String, Long> micros = new java.util.HashMap<>();
    traceStep(state, rows, mode, true)
        .getDevStatsList()
        .forEach(
            d ->
                d.getNodeStatsList()
                    .forEach(
                        n ->
                            micros.merge(
                                n.getNodeName() + " " + n.getTimelineLabel(),
                                n.getAllEndRelMicros(),
                                Long::sum)));
    return micros;
  }

  /** One traced step: the logits, and with {@code caches} its new keys and values, fetched. */
  private org.tensorflow.proto.StepStats traceStep(
      DecodeState state, long[][] rows, CacheMode mode, boolean caches) {
    Session.Runner r =
        session
            .runner()
            .fetch(steps.get(mode).lastLogits())
            .setOptions(
                org.tensorflow.proto.RunOptions.newBuilder()
                    .setTraceLevel(org.tensorflow.proto.RunOptions.TraceLevel.FULL_TRACE)
                    .build());
    if (caches && mode.usesKvCache()) {
      for (PldrDecoder.LayerGraph out : steps.get(mode).outputs().layers()) {
        r.fetch(out.keys()).fetch(out.values());
      }
    }
    try (TInt64 t = HostTensors.tokens(rows);
        TInt32 s = TInt32.scalarOf(state.length());
        TInt32 o = state.offsets().map(TInt32::vectorOf).orElse(null);
        Tensor m = cacheMask(state, rows, mode)) {
      try (Result res = feedStep(r, mode, state, t, s, o, m).runAndFetchMetadata()) {
        return res.getMetadata().orElseThrow().getStepStats();
      }
    }
  }

  @Override
  public void close() {
    session.close();
    model.close();
  }
}
