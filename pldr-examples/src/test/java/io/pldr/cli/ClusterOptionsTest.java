package io.pldr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad cluster input fails at start naming the value and what was expected. */
class ClusterOptionsTest {
  private static ClusterOptions options(String cluster, Integer task) {
    ClusterOptions o = new ClusterOptions();
    o.cluster = cluster;
    o.task = task;
    return o;
  }

  @Test
  void neitherOptionNorEnvironmentMeansOneProcess() throws Exception {
    assertThat(options(null, null).start(Map.of())).isEmpty();
  }

  @Test
  void optionsAndTfConfigAreChecked() {
    assertThatThrownBy(() -> options(null, 1).spec(Map.of()))
        .hasMessage("--task 1 needs --cluster HOST:PORT,...");
    assertThatThrownBy(() -> options("a:1,b:2", null).spec(Map.of()))
        .hasMessageContaining("--cluster needs --task I");
    assertThatThrownBy(() -> options("a:1,b:2", 5).spec(Map.of()))
        .hasMessageContaining("task index 5 is outside the cluster of 2 workers (--cluster)");
    assertThatThrownBy(() -> options("a:1,a:1", 0).spec(Map.of()))
        .hasMessageContaining("a:1 is listed twice");
    assertThat(
            options(null, null)
                .spec(
                    Map.of(
                        "TF_CONFIG",
                        "{\"cluster\": {\"worker\": [\"a:1\", \"b:2\"]}, \"task\": {\"type\":"
                            + " \"worker\", \"index\": 1}}"))
                .orElseThrow()
                .self()
                .toString())
        .isEqualTo("b:2");
    assertThatThrownBy(() -> options(null, null).spec(Map.of("TF_CONFIG", "{\"task\": 1}")))
        .hasMessageContaining("TF_CONFIG: expected an object at \"cluster\"");
  }

  @Test
  void aPortInUseAndAnUnreachableWorkerFailAtStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      ClusterOptions o = options("localhost:" + taken.getLocalPort() + ",localhost:1", 0);
      assertThatThrownBy(() -> o.start(Map.of()))
          .hasMessageContaining("localhost:" + taken.getLocalPort())
          .hasMessageContaining("is in use");
    }
    String list = io.pldr.tf.distributed.ClusterSpec.loopback(2);
    String nobody = list.split(",")[1];
    ClusterOptions o = options(list, 0);
    o.peerWait = Duration.ofSeconds(1);
    assertThatThrownBy(() -> o.start(Map.of()))
        .hasMessageContaining("task 1 (" + nobody + ") is unreachable after 1 s")
        .hasMessageContaining("expected every worker of --cluster");
  }
}
