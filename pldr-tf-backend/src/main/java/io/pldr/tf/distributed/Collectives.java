package io.pldr.tf.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Collective operations among the workers of a cluster, built into one worker's graph: every worker
 * builds the same collectives in the same order, so that the instance keys they are numbered by
 * match across processes. TensorFlow remembers an instance key's kind for the life of the process,
 * so each graph takes a group key of its own. TensorFlow's {@code V2} collectives (group and
 * instance keys as inputs) run over the workers' gRPC servers, ring all-reduce on CPUs and NCCL on
 * GPUs when the runtime chooses. Each waits at most {@code timeout} for the others: a worker that
 * is gone makes the others fail rather than hang.
 */
public final class Collectives {
  private final Ops tf;
  private final ClusterSpec cluster;
  private final int groupKey;
  private final float timeoutSeconds;
  private int nextInstance = 1;

  /** Collectives of {@code cluster}'s group {@code groupKey}, built with {@code tf}. */
  public Collectives(Ops tf, ClusterSpec cluster, int groupKey, Duration timeout) {
    this.tf = tf;
    this.cluster = cluster;
    this.groupKey = groupKey;
    this.timeoutSeconds = timeout.toMillis() / 1000f;
  }

  /** The cluster. */
  public ClusterSpec cluster() {
    return cluster;
  }

  /** The element-wise mean of {@code x} over all workers, on every worker. */
  public <T extends TType> Operand<T> allReduceMean(Operand<T> x) {
    return reduce(x, "Div");
  }

  /**
   * Elements per all-reduce of a long vector: it goes out in pieces of about this many (8 MB of
   * float32), reduced concurrently. TensorFlow's CPU ring over gRPC moved 110M floats about 10×
   * faster in 32–64 concurrent pieces than in one (docs/benchmarks.md); a shorter vector is one
   * all-reduce.
   */
  public static final long PIECE = 1L << 21;

  /**
   * The element-wise mean over all workers of the vector {@code x} of {@code length} elements, in
   * concurrent pieces of about {@link #PIECE} elements (the mean is element-wise: the pieces change
   * nothing of the result).
   */
  public <T extends TType> Operand<T> allReduceMean(Operand<T> x, long length) {
    int pieces = (int) Math.max(1, (length + PIECE - 1) / PIECE);
    if (pieces == 1) {
      return allReduceMean(x);
    }
    long[] lengths = new long[pieces];
    for (int i = 0; i < pieces; i++) {
      lengths[i] = length / pieces + (i < length % pieces ? 1 : 0);
    }
    org.tensorflow.op.core.SplitV<T> parts =
        tf.splitV(x, tf.constant(lengths), tf.constant(0), (long) pieces);
    List<Operand<T>> reduced = new ArrayList<>();
    for (Output<T> part : parts.output()) {
      reduced.add(allReduceMean(part));
    }
    return tf.concat(reduced, tf.constant(0));
  }

  /** The element-wise sum of {@code x} over all workers, on every worker. */
  public <T extends TType> Operand<T> allReduceSum(Operand<T> x) {
    return reduce(x, "Id");
  }

  private <T extends TType> Operand<T> reduce(Operand<T> x, String finalOp) {
    return op("CollectiveReduceV2", "all_reduce", x.asOutput(), true)
        .setAttr("merge_op", "Add")
        .setAttr("final_op", finalOp)
        .build()
        .output(0);
  }

  /**
   * The chief's {@code x} on every worker: the chief sends it (and gets it back), the others
   * receive a tensor of the same type and shape (static on every worker's graph).
   */
  public <T extends TType> Operand<T> broadcast(Operand<T> x) {
    if (cluster.isChief()) {
      return op("CollectiveBcastSendV2", "broadcast_send", x.asOutput(), false).build().output(0);
    }
    return op("CollectiveBcastRecvV2", "broadcast_receive", null, false)
        .addInput(tf.shape(x).asOutput())
        .setAttr("T", x.asOutput().dataType())
        .build()
        .output(0);
  }

  /**
   * Every worker's {@code x}, in task order, concatenated along the first axis, on every worker.
   */
  public <T extends TType> Operand<T> allGather(Operand<T> x) {
    return op("CollectiveGatherV2", "all_gather", x.asOutput(), true).build().output(0);
  }

  /**
   * A collective's builder: its input (if any), group size, group key, a new instance key, the
   * empty list of ordering tokens ({@code ordered}: the ops that take one), the timeout and this
   * task's device.
   */
  private OperationBuilder op(String type, String kind, Output<?> input, boolean ordered) {
    OperationBuilder b = tf.scope().env().opBuilder(type, name(kind), tf.scope());
    if (input != null) {
      b.addInput(input);
    }
    b.addInput(size()).addInput(group()).addInput(instance());
    if (ordered) {
      b.addInputList(new Output<?>[0]);
    }
    b.setAttr("timeout_seconds", timeoutSeconds).setDevice(ClusterSpec.device(cluster.task()));
    return b;
  }

  private String name(String kind) {
    return tf.scope().makeOpName(kind + "_" + nextInstance);
  }

  private Output<TInt32> size() {
    return tf.constant(cluster.size()).asOutput();
  }

  private Output<TInt32> group() {
    return tf.constant(groupKey).asOutput();
  }

  private Output<TInt32> instance() {
    return tf.constant(nextInstance++).asOutput();
  }
}
