package io.pldr.train.distributed;

import com.google.protobuf.TextFormat;
import io.pldr.api.config.TrainConfig;
import io.pldr.tf.distributed.ClusterSpec;
import io.pldr.train.data.DataPosition;
import io.pldr.train.graph.TrainingGraph;
import io.pldr.train.loop.TrainingSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the workers of a data-parallel run agree before the first step, in collectives on their
 * training graphs: the chief sends its run (configuration, cluster list, tokenizer checksum) and
 * where it starts (step, data position, tokens seen); every worker compares the run with its own
 * and all learn who differs, so that a worker started with another configuration is refused at
 * start, naming the field; then every variable is set to the chief's (its checkpoint's, when it
 * resumes), so the replicas start identical.
 */
public final class ReplicaStart {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaStart.class);

  private ReplicaStart() {}

  /** Where a run starts: the step done, the data position and the tokens seen. */
  public record Progress(long step, DataPosition position, long tokensSeen) {}

  /**
   * Runs the agreement on {@code session}; {@code progress} is the chief's own start (ignored on
   * the other workers). Returns the chief's start, on every worker.
   */
  public static Progress agree(
      TrainingSession session,
      DataParallel parallel,
      TrainConfig config,
      String tokenizerSha256,
      Progress progress) {
    TrainingGraph.Replicas rep = session.graph().replicas().orElseThrow();
    String own = run(config, parallel, tokenizerSha256);
    String message =
        parallel.cluster().isChief()
            ? progress.step()
                + " "
                + progress.position().epoch()
                + " "
                + progress.position().index()
                + " "
                + progress.tokensSeen()
                + "\n"
                + own
            : "";
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    int length = (int) session.exchange(rep.chiefLength(), new float[] {bytes.length})[0];
    float[] sent = new float[length];
    if (parallel.cluster().isChief()) {
      for (int i = 0; i < length; i++) {
        sent[i] = bytes[i] & 0xff;
      }
    }
    float[] got = session.exchange(rep.chiefBytes(), sent);
    byte[] chiefBytes = new byte[length];
    for (int i = 0; i < length; i++) {
      chiefBytes[i] = (byte) (int) got[i];
    }
    String chief = new String(chiefBytes, StandardCharsets.UTF_8);
    int newline = chief.indexOf('\n');
    String chiefRun = chief.substring(newline + 1);
    Optional<String> difference = difference(chiefRun, own, parallel.cluster());
    float[] statuses =
        session.exchange(rep.statuses(), new float[] {difference.isPresent() ? 1f : 0f});
    if (difference.isPresent()) {
      throw new IllegalArgumentException(difference.get());
    }
    List<Integer> differing = new ArrayList<>();
    for (int i = 0; i < statuses.length; i++) {
      if (statuses[i] != 0f) {
        differing.add(i);
      }
    }
    if (!differing.isEmpty()) {
      throw new IllegalArgumentException(
          parallel.server().describe(differing)
              + " running a configuration that differs from the chief's (task 0, "
              + parallel.cluster().workers().get(0)
              + "); that worker's error names the field; every worker must run the same"
              + " configuration, cluster list and tokenizer");
    }
    String[] p = chief.substring(0, newline).split(" ");
    Progress start =
        new Progress(
            Long.parseLong(p[0]),
            new DataPosition(Long.parseLong(p[1]), Long.parseLong(p[2])),
            Long.parseLong(p[3]));
    session.takeChiefState();
    LOG.info(
        "task {} of {}: replicas agree; starting after step {} with the chief's variables",
        parallel.task(),
        parallel.workers(),
        start.step());
    return start;
  }

  /** A run as text: the cluster list, the tokenizer's checksum, the configuration (no out_dir). */
  static String run(TrainConfig config, DataParallel parallel, String tokenizerSha256) {
    return parallel.cluster().list()
        + "\n"
        + tokenizerSha256
        + "\n"
        + TextFormat.printer().printToString(config.toBuilder().clearOutDir().build());
  }

  /** What differs between the chief's run and this worker's, as the error this worker reports. */
  static Optional<String> difference(String chief, String own, ClusterSpec cluster) {
    if (chief.equals(own)) {
      return Optional.empty();
    }
    String[] c = chief.split("\n", 3);
    String[] o = own.split("\n", 3);
    String prefix =
        "task "
            + cluster.task()
            + ": this worker was started with a configuration that differs from the chief's (task"
            + " 0, "
            + cluster.workers().get(0)
            + "): ";
    if (!c[0].equals(o[0])) {
      return Optional.of(
          prefix
              + "the cluster list is "
              + o[0]
              + " here but "
              + c[0]
              + " on the chief; expected the same --cluster (or TF_CONFIG) on every worker");
    }
    if (!c[1].equals(o[1])) {
      return Optional.of(
          prefix
              + "the tokenizer's SHA-256 is "
              + o[1]
              + " here but "
              + c[1]
              + " on the chief; expected the same data.tokenizer");
    }
    try {
      TrainConfig theirs = TextFormat.parse(c[2], TrainConfig.class);
      TrainConfig ours = TextFormat.parse(o[2], TrainConfig.class);
      return ConfigDiff.first(theirs, ours)
          .map(
              d ->
                  prefix
                      + "field "
                      + d.path()
                      + " is "
                      + d.right()
                      + " here but "
                      + d.left()
                      + " on the chief; expected equal configurations")
          .or(() -> Optional.of(prefix + "the configurations differ"));
    } catch (TextFormat.ParseException e) {
      return Optional.of(prefix + "the chief's configuration cannot be read: " + e.getMessage());
    }
  }
}
