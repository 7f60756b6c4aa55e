package io.pldr.cache;

import io.pldr.api.cache.GCache;
import io.pldr.api.cache.LayerDeductive;
import io.pldr.tf.runtime.HostTensors;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.types.family.TType;

/**
 * The caches of one batch being decoded, in native memory: per layer the KV-cache (keys, values,
 * the prompt's refined metric tensor) and the G-cache (A_LM, G_LM), and how many positions the
 * KV-cache holds. {@link #gCache()} copies the G-cache out, to save or to reuse. Holds native
 * memory: close it.
 *
 * <p>A KV-cache has room for more positions than it holds ({@link #capacity()}): a step writes its
 * new keys and values into the spare columns in place, and only when they run out are the caches
 * copied, to {@value #GROWTH} columns more than needed. Steps thus cost no copy of the whole cache
 * (which joining old and new columns did, a quarter of a batch-16 step's time).
 */
public final class DecodeState implements AutoCloseable {
  /** Spare columns a KV-cache gets when it grows. */
  static final int GROWTH = 32;

  private final List<LayerState> layers;
  private final int length;
  private final int[] offsets;

  DecodeState(List<LayerState> layers, int length) {
    this(layers, length, null);
  }

  /** A state whose row b is padded with {@code offsets[b]} columns on the left (null: none). */
  DecodeState(List<LayerState> layers, int length, int[] offsets) {
    this.layers = new ArrayList<>(layers);
    this.length = length;
    this.offsets = offsets == null ? null : offsets.clone();
  }

  /** How many padding columns each row starts with, if the rows were padded on the left. */
  public Optional<int[]> offsets() {
    return Optional.ofNullable(offsets).map(int[]::clone);
  }

  /** The G-cache of this state: per layer A_LM and G_LM, copied to the host. */
  public GCache gCache() {
    List<LayerDeductive> out = new ArrayList<>();
    for (LayerState l : layers) {
      out.add(new LayerDeductive(HostTensors.fromTensor(l.aLm()), HostTensors.fromTensor(l.gLm())));
    }
    return new GCache(out);
  }

  /** Positions in the KV-cache. */
  public int length() {
    return length;
  }

  /** Positions the KV-cache has room for before it must grow (≥ {@link #length()}). */
  public int capacity() {
    return (int) layers.get(0).keys().shape().get(2);
  }

  /**
   * This state after a KV-cache step that computed {@code keys} and {@code values} {@code [B, H, n,
   * d]} per layer: they are written to columns {@link #length()} … + n − 1 of the caches, in place
   * when there is room, else into caches grown to {@value #GROWTH} spare columns (the old ones
   * closed). Closes the given tensors. This state is not to be used afterwards.
   */
  DecodeState appended(List<Tensor> keys, List<Tensor> values) {
    int fresh = (int) keys.get(0).shape().get(2);
    int needed = length + fresh;
    boolean grow = needed > capacity();
    int columns = needed + GROWTH;
    // growing: every row's columns as they are, spare ones after
    List<int[]> every = new ArrayList<>();
    for (int b = 0; grow && b < batchSize(); b++) {
      every.add(new int[] {0, b, 0, length});
    }
    List<LayerState> out = new ArrayList<>();
    try {
      for (int i = 0; i < layers.size(); i++) {
        LayerState l = layers.get(i);
        Tensor k = l.keys();
        Tensor v = l.values();
        if (grow) {
          k = columns(List.of(l.keys()), every, length, columns);
          v = columns(List.of(l.values()), every, length, columns);
          l.keys().close();
          l.values().close();
        }
        write(k, length, keys.get(i));
        write(v, length, values.get(i));
        out.add(new LayerState(k, v, l.refinedMetric(), l.aLm(), l.gLm()));
      }
    } finally {
      keys.forEach(Tensor::close);
      values.forEach(Tensor::close);
    }
    return new DecodeState(out, needed, offsets);
  }

  /** Writes {@code fresh [B, H, n, d]} to columns {@code at} … at + n − 1 of {@code cache}. */
  private static void write(Tensor cache, int at, Tensor fresh) {
    long rows = cache.shape().get(0) * cache.shape().get(1);
    long columns = cache.shape().get(2);
    long n = fresh.shape().get(2);
    long columnBytes = cache.shape().get(3) * elementBytes(cache);
    ByteDataBuffer src = fresh.asRawTensor().data();
    ByteDataBuffer dst = cache.asRawTensor().data();
    long size = n * columnBytes;
    for (long row = 0; row < rows; row++) {
      src.slice(row * size, size).copyTo(dst.slice((row * columns + at) * columnBytes, size), size);
    }
  }

  List<LayerState> layers() {
    return layers;
  }

  /** Rows in this state's batch. */
  public int batchSize() {
    return (int) layers.get(0).keys().shape().get(0);
  }

  /**
   * Rows of several states as one new batch, for continuous batching: {@code rows.get(p)} are the
   * rows taken from {@code parts.get(p)}, in order, and the result's rows are those of every part
   * one after the other. Each row keeps its cached positions, padded on the left with zero keys and
   * values to the longest row; columns that are padding in every row taken are dropped, so the
   * result is as short as its longest row (with {@value #GROWTH} spare columns). Each row's A_LM,
   * G_LM and refined metric tensor come along. Steps then take each row's tokens padded on the left
   * by {@link #offsets()}: every row computes what it computes alone, as after {@link
   * CachedDecoder#prefill(List)}. A state whose KV-cache does not follow its tokens (after steps in
   * {@code g} or {@code none}) cannot be merged. The parts stay valid and unchanged (the copies are
   * native-to-native, no host round trip); close them and the result separately.
   */
  public static DecodeState merge(List<DecodeState> parts, List<int[]> rows) {
    if (parts.size() != rows.size() || parts.isEmpty()) {
      throw new IllegalArgumentException(
          parts.size() + " states but " + rows.size() + " row selections");
    }
    List<int[]> source = new ArrayList<>(); // {part, row, first cached column, cached positions}
    int longest = 0;
    for (int p = 0; p < parts.size(); p++) {
      DecodeState part = parts.get(p);
      int[] offsets = part.offsets == null ? new int[part.batchSize()] : part.offsets;
      for (int b : rows.get(p)) {
        if (b < 0 || b >= part.batchSize()) {
          throw new IllegalArgumentException(
              "row " + b + " of a state of " + part.batchSize() + " rows");
        }
        int cached = part.length - offsets[b];
        source.add(new int[] {p, b, offsets[b], cached});
        longest = Math.max(longest, cached);
      }
    }
    if (source.isEmpty()) {
      throw new IllegalArgumentException("no rows to merge");
    }
    int[] newOffsets = new int[source.size()];
    for (int r = 0; r < source.size(); r++) {
      newOffsets[r] = longest - source.get(r)[3];
    }
    int numLayers = parts.get(0).layers.size();
    List<LayerState> layers = new ArrayList<>();
    List<Tensor> made = new ArrayList<>();
    try {
      for (int i = 0; i < numLayers; i++) {
        int layer = i;
        List<LayerState> ls = parts.stream().map(s -> s.layers.get(layer)).toList();
        Tensor keys =
            track(
                made,
                columns(
                    ls.stream().map(LayerState::keys).toList(), source, longest, longest + GROWTH));
        Tensor values =
            track(
                made,
                columns(
                    ls.stream().map(LayerState::values).toList(),
                    source,
                    longest,
                    longest + GROWTH));
        Optional<Tensor> refined =
            ls.get(0).refinedMetric().isPresent()
                ? Optional.of(
                    track(
                        made,
                        stacked(
                            ls.stream().map(l -> l.refinedMetric().orElseThrow()).toList(),
                            source)))
                : Optional.empty();
        Tensor aLm = track(made, stacked(ls.stream().map(LayerState::aLm).toList(), source));
        boolean shared = ls.stream().allMatch(l -> l.aLm() == l.gLm());
        Tensor gLm =
            shared ? aLm : track(made, stacked(ls.stream().map(LayerState::gLm).toList(), source));
        layers.add(new LayerState(keys, values, refined, aLm, gLm));
      }
    } catch (RuntimeException e) {
      made.forEach(Tensor::close);
      throw e;
    }
    return new DecodeState(layers, longest, newOffsets);
  }

  private static Tensor track(List<Tensor> made, Tensor t) {
    made.add(t);
    return t;
  }

  /**
   * Keys or values {@code [B_p, H, C_p, d]} of each part to {@code [R, H, capacity, d]}: row r's
   * cached positions copied to end at column {@code longest}, zeros before them and in the spare
   * columns after (spare columns are masked, but must hold numbers: 0 · masked weight).
   */
  private static Tensor columns(List<Tensor> parts, List<int[]> source, int longest, int capacity) {
    Tensor first = parts.get(0);
    long heads = first.shape().get(1);
    long depth = first.shape().get(3);
    long element = elementBytes(first);
    long columnBytes = depth * element;
    Tensor out =
        Tensor.of(
            ((TType) first).type(),
            org.tensorflow.ndarray.Shape.of(source.size(), heads, capacity, depth));
    ByteDataBuffer dst = out.asRawTensor().data();
    int maxPad = source.stream().mapToInt(s -> longest - s[3]).max().orElse(0);
    int spare = capacity - longest;
    byte[] zeros = new byte[Math.toIntExact(Math.max(maxPad, spare) * columnBytes)];
    for (int r = 0; r < source.size(); r++) {
      int[] s = source.get(r);
      Tensor from = parts.get(s[0]);
      long fromLength = from.shape().get(2);
      ByteDataBuffer src = from.asRawTensor().data();
      int pad = longest - s[3];
      for (long h = 0; h < heads; h++) {
        long to = ((r * heads + h) * capacity) * columnBytes;
        if (pad > 0) {
          dst.offset(to).write(zeros, 0, Math.toIntExact(pad * columnBytes));
        }
        long at = ((s[1] * heads + h) * fromLength + s[2]) * columnBytes;
        long size = s[3] * columnBytes;
        src.slice(at, size).copyTo(dst.slice(to + pad * columnBytes, size), size);
        dst.offset(to + longest * columnBytes)
            .write(zeros, 0, Math.toIntExact(spare * columnBytes));
      }
    }
    return out;
  }

  /** Per-row tensors {@code [B_p, ...]} of each part to {@code [R, ...]}, the rows selected. */
  private static Tensor stacked(List<Tensor> parts, List<int[]> source) {
    Tensor first = parts.get(0);
    long[] dims = first.shape().asArray().clone();
    long rowBytes = first.numBytes() / dims[0];
    dims[0] = source.size();
    Tensor out = Tensor.of(((TType) first).type(), org.tensorflow.ndarray.Shape.of(dims));
    ByteDataBuffer dst = out.asRawTensor().data();
    for (int r = 0; r < source.size(); r++) {
      int[] s = source.get(r);
      Tensor from = parts.get(s[0]);
      if (from.numBytes() != rowBytes * from.shape().get(0)) {
        throw new IllegalArgumentException("tensors of different shapes: " + from.shape());
      }
      // a tensor of one row may serve a whole batch (broadcast): its row 0 then
      long row = from.shape().get(0) == 1 ? 0 : s[1];
      from.asRawTensor()
          .data()
          .slice(row * rowBytes, rowBytes)
          .copyTo(dst.slice(r * rowBytes, rowBytes), rowBytes);
    }
    return out;
  }

  private static long elementBytes(Tensor t) {
    return t.numBytes() / t.shape().size();
  }

  /** Frees every tensor (each once, even where layers share one). */
  @Override
  public void close() {
    Set<Tensor> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<Tensor> all = new ArrayList<>();
    for (LayerState l : layers) {
      for (Tensor t :
          new Tensor[] {l.keys(), l.values(), l.refinedMetric().orElse(null), l.aLm(), l.gLm()}) {
        if (t != null && seen.add(t)) {
          all.add(t);
        }
      }
    }
    all.forEach(Tensor::close);
  }
}
