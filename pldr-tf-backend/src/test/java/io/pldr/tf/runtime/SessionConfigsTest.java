package io.pldr.tf.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.RewriterConfig;

class SessionConfigsTest {
  @AfterEach
  void clear() {
    System.clearProperty(SessionConfigs.THREADS_PROPERTY);
  }

  @Test
  void theThreadsPropertySetsIntraOpThreadsOfEveryConfiguration() {
    System.setProperty(SessionConfigs.THREADS_PROPERTY, "1");
    assertThat(SessionConfigs.standard().getIntraOpParallelismThreads()).isEqualTo(1);
    assertThat(SessionConfigs.decoding().getIntraOpParallelismThreads()).isEqualTo(1);
  }

  @Test
  void decodingRunsInTheCallersThreadWithoutTheRemapper() {
    assertThat(SessionConfigs.decoding().getInterOpParallelismThreads()).isEqualTo(-1);
    assertThat(SessionConfigs.decoding().getGraphOptions().getRewriteOptions().getRemapping())
        .isEqualTo(RewriterConfig.Toggle.OFF);
    assertThat(SessionConfigs.standard().getInterOpParallelismThreads()).isPositive();
  }

  @Test
  void aBadThreadCountIsNamed() {
    System.setProperty(SessionConfigs.THREADS_PROPERTY, "two");
    assertThatThrownBy(SessionConfigs::standard)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pldr.threads is 'two'")
        .hasMessageContaining("≥ 1");
    System.setProperty(SessionConfigs.THREADS_PROPERTY, "0");
    assertThatThrownBy(SessionConfigs::standard).hasMessageContaining("pldr.threads is '0'");
  }
}
