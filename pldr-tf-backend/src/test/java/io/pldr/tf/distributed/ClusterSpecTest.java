package io.pldr.tf.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class ClusterSpecTest {
  @Test
  void parsesTheCommandLineForm() {
    ClusterSpec c = ClusterSpec.parse("10.0.0.1:2222, 10.0.0.2:2222", 1);
    assertThat(c.size()).isEqualTo(2);
    assertThat(c.isChief()).isFalse();
    assertThat(c.self().toString()).isEqualTo("10.0.0.2:2222");
    assertThat(c.list()).isEqualTo("10.0.0.1:2222,10.0.0.2:2222");
    assertThat(c.clusterDef().getJob(0).getTasksMap()).containsEntry(1, "10.0.0.2:2222");
  }

  @Test
  void parsesTfConfigWithAndWithoutAChief() {
    ClusterSpec workers =
        ClusterSpec.fromTfConfig(
            "{\"cluster\": {\"worker\": [\"a:1\", \"b:2\", \"c:3\"]},"
                + " \"task\": {\"type\": \"worker\", \"index\": 2}}");
    assertThat(workers.task()).isEqualTo(2);
    assertThat(workers.self().toString()).isEqualTo("c:3");
    ClusterSpec withChief =
        ClusterSpec.fromTfConfig(
            "{\"cluster\": {\"chief\": [\"a:1\"], \"worker\": [\"b:2\"]},"
                + " \"task\": {\"type\": \"worker\", \"index\": 0}}");
    assertThat(withChief.task()).isEqualTo(1);
    assertThat(withChief.workers().get(0).toString()).isEqualTo("a:1");
  }

  @Test
  void badInputNamesTheValueAndWhatWasExpected() {
    assertThatThrownBy(() -> ClusterSpec.parse("a:1,a:1", 0))
        .hasMessageContaining("a:1 is listed twice");
    assertThatThrownBy(() -> ClusterSpec.parse("a:1,b:2", 2))
        .hasMessageContaining("task index 2 is outside the cluster of 2 workers")
        .hasMessageContaining("expected 0 to 1");
    assertThatThrownBy(() -> ClusterSpec.parse("a:1,b", 0))
        .hasMessageContaining("'b' is not an address; expected host:port");
    assertThatThrownBy(() -> ClusterSpec.parse("a:1,b:x", 0)).hasMessageContaining("'b:x'");
    assertThatThrownBy(() -> ClusterSpec.fromTfConfig("{\"cluster\": "))
        .hasMessageContaining("TF_CONFIG is not valid JSON");
    assertThatThrownBy(
            () ->
                ClusterSpec.fromTfConfig(
                    "{\"cluster\": {\"ps\": [\"a:1\"]}, \"task\": {\"type\": \"worker\"}}"))
        .hasMessageContaining("job \"ps\"");
    assertThatThrownBy(
            () ->
                ClusterSpec.fromTfConfig(
                    "{\"cluster\": {\"worker\": [\"a:1\"]}, \"task\": {\"type\": \"worker\","
                        + " \"index\": 3}}"))
        .hasMessageContaining("task index 3 is outside the cluster of 1 workers (TF_CONFIG)");
  }

  @Test
  void aPortInUseIsRefusedNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      ClusterSpec c = ClusterSpec.parse("localhost:" + taken.getLocalPort() + ",localhost:1", 0);
      assertThatThrownBy(() -> WorkerServer.start(c))
          .hasMessageContaining("localhost:" + taken.getLocalPort())
          .hasMessageContaining("is in use")
          .hasMessageContaining("expected a free port");
    }
  }
}
