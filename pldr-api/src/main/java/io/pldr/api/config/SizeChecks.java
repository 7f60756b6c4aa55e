package io.pldr.api.config;

import io.pldr.api.config.ModelSizes.Field;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Refuses sizes the machine cannot hold, before any data is read or graph built: the {@link
 * MemoryEstimate} of a model or a training run against the machine's physical memory and, for the
 * part held in the Java heap, the heap's maximum; and every tensor that passes through a Java array
 * against the most elements an array holds. A refusal is a {@link ConfigException} naming the field
 * whose value is out of the ordinary, the memory the configuration would take and the machine's.
 */
public final class SizeChecks {
  private SizeChecks() {}

  /** Checks a model's sizes for loading it and running it (fields named with {@code prefix}). */
  public static void checkModel(
      ModelConfig c, String source, String prefix, MachineMemory machine) {
    ModelSizes sizes = ModelSizes.of(c);
    check(sizes, ModelSizes::inference, "loading the model", source, prefix, machine);
  }

  /**
   * Checks a training run's sizes: {@code batch} sequences of {@code seqLen} tokens per micro-step,
   * {@code accumulation} micro-steps per optimiser step, model fields named with {@code
   * modelPrefix}.
   */
  public static void checkTraining(
      ModelConfig model,
      int batch,
      int seqLen,
      int accumulation,
      String source,
      String modelPrefix,
      MachineMemory machine) {
    ModelSizes sizes =
        ModelSizes.of(model)
            .training(
                ModelSizes.u(batch), ModelSizes.u(seqLen), Math.max(1, ModelSizes.u(accumulation)));
    check(sizes, ModelSizes::training, "training", source, modelPrefix, machine);
  }

  private static void check(
      ModelSizes sizes,
      java.util.function.Function<ModelSizes, MemoryEstimate> estimate,
      String what,
      String source,
      String prefix,
      MachineMemory machine) {
    MemoryEstimate e = estimate.apply(sizes);
    String machineLine =
        "the "
            + MemoryEstimate.bytes(machine.physicalBytes())
            + " of memory this machine has (its Java heap: at most "
            + MemoryEstimate.bytes(machine.maxHeapBytes())
            + ")";
    long paramBytes = e.bytes("parameters");
    if (paramBytes > machine.physicalBytes()) {
      throw refusal(
          sizes,
          s -> estimate.apply(s).bytes("parameters"),
          Field.D_MODEL,
          source,
          prefix,
          "the model's parameters alone would take "
              + MemoryEstimate.bytes(paramBytes)
              + " ("
              + count(e.parameters())
              + " parameters × "
              + sizes.bytesPerValue()
              + " bytes), more than "
              + machineLine);
    }
    if (e.totalBytes() > machine.physicalBytes()) {
      throw refusal(
          sizes,
          s -> estimate.apply(s).totalBytes(),
          sizes.batch() > 0 ? Field.BATCH_SIZE : Field.D_MODEL,
          source,
          prefix,
          what
              + " would take about "
              + MemoryEstimate.bytes(e.totalBytes())
              + " of memory ("
              + e.describe()
              + "), more than "
              + machineLine
              + (sizes.batch() > 0
                  ? "; a smaller batch_size with grad_accumulation trains on as many tokens per"
                      + " step"
                  : ""));
    }
    if (e.heapBytes() > machine.maxHeapBytes()) {
      throw refusal(
          sizes,
          s -> estimate.apply(s).heapBytes(),
          Field.D_MODEL,
          source,
          prefix,
          what
              + " would hold about "
              + MemoryEstimate.bytes(e.heapBytes())
              + " in the Java heap (parameters' host copies and rotary tables), more than its"
              + " maximum of "
              + MemoryEstimate.bytes(machine.maxHeapBytes())
              + ": give Java more heap (./pldr passes PLDR_JAVA_OPTS to java, e.g."
              + " PLDR_JAVA_OPTS=-Xmx"
              + (long) Math.ceil(e.heapBytes() * 1.25 / (1L << 30))
              + "g; this machine has "
              + MemoryEstimate.bytes(machine.physicalBytes())
              + ") or choose smaller sizes");
    }
    for (ModelSizes.Tensor t : ModelSizes.javaArrays()) {
      long n = t.elements().applyAsLong(sizes);
      if (n > ModelSizes.MAX_ARRAY) {
        throw refusal(
            sizes,
            t.elements(),
            t.fallback(),
            source,
            prefix,
            t.name()
                + " would have "
                + count(n)
                + " elements, more than a Java array holds ("
                + count(ModelSizes.MAX_ARRAY)
                + "), and take "
                + MemoryEstimate.bytes(ModelSizes.mul(n, sizes.bytesPerValue())));
      }
    }
  }

  private static ConfigException refusal(
      ModelSizes sizes,
      ToLongFunction<ModelSizes> measure,
      Field fallback,
      String source,
      String prefix,
      String why) {
    Field f = sizes.blame(measure, fallback);
    long value = sizes.value(f);
    return new ConfigException(
        source,
        f.path(prefix),
        value
            + (value > f.ordinary ? " is too large: " : " is too large for this machine: ")
            + why
            + " (estimated as in docs/configuration.md, \"Size checks\")");
  }

  private static String count(long n) {
    return n == Long.MAX_VALUE ? "more than 9.2·10^18" : String.format(Locale.ROOT, "%,d", n);
  }
}
