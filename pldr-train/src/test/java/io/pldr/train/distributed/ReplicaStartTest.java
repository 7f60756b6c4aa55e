package io.pldr.train.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import io.pldr.api.config.TrainConfig;
import io.pldr.tf.distributed.ClusterSpec;
import org.junit.jupiter.api.Test;

/** What a worker reports when its run differs from the chief's (no cluster needed). */
class ReplicaStartTest {
  private static final TrainConfig CONFIG =
      TrainConfig.newBuilder().setBatchSize(8).setSeqLen(64).setOutDir("/runs/a").build();

  /** The text of a run, as {@link ReplicaStart#run} makes it, for a cluster list. */
  private static String run(String list, String sha, TrainConfig c) {
    return list
        + "\n"
        + sha
        + "\n"
        + com.google.protobuf.TextFormat.printer()
            .printToString(c.toBuilder().clearOutDir().build());
  }

  @Test
  void namesTheClusterListTheTokenizerOrTheField() {
    ClusterSpec spec = ClusterSpec.parse("a:1,b:2", 1);
    var parallel =
        new Object() {
          java.util.Optional<String> diff(String chief, String own) {
            return ReplicaStart.difference(chief, own, spec);
          }
        };
    assertThat(parallel.diff(run("a:1,b:2", "x", CONFIG), run("a:1,b:2", "x", CONFIG))).isEmpty();
    assertThat(
            parallel.diff(run("a:1,b:2", "x", CONFIG), run("a:1,c:3", "x", CONFIG)).orElseThrow())
        .contains("the cluster list is a:1,c:3 here but a:1,b:2 on the chief");
    assertThat(
            parallel.diff(run("a:1,b:2", "x", CONFIG), run("a:1,b:2", "y", CONFIG)).orElseThrow())
        .contains("the tokenizer's SHA-256 is y here but x on the chief");
    TrainConfig other = CONFIG.toBuilder().setSeqLen(32).build();
    assertThat(parallel.diff(run("a:1,b:2", "x", CONFIG), run("a:1,b:2", "x", other)).orElseThrow())
        .startsWith("task 1: this worker was started with a configuration that differs")
        .contains("field seq_len is 32 here but 64 on the chief");
  }
}
