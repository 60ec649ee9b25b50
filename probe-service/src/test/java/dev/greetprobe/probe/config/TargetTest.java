package dev.greetprobe.probe.config;

import static dev.greetprobe.probe.config.TestTargets.target;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The phases a target's probes go through, which are the phases its metrics have histograms for. */
class TargetTest {

  @Test
  void aPlainConnectIsResolvedAndConnected() {
    assertThat(target("example.test:80").build().phases()).containsExactly(Phase.RESOLVE, Phase.CONNECT);
  }

  @Test
  void expectOrSendAddsTheFirstByte() {
    assertThat(target("example.test:80").expect("^hello").build().phases())
        .containsExactly(Phase.RESOLVE, Phase.CONNECT, Phase.FIRST_BYTE);
    assertThat(target("example.test:80").send("PING\r\n").build().phases())
        .containsExactly(Phase.RESOLVE, Phase.CONNECT, Phase.FIRST_BYTE);
  }

  @Test
  void tlsAddsTheHandshake() {
    assertThat(target("example.test:443").tls("example.test", null, false).build().phases())
        .containsExactly(Phase.RESOLVE, Phase.CONNECT, Phase.TLS);
    assertThat(target("example.test:443").tls("example.test", null, false).expect("^hello").build().phases())
        .containsExactly(Phase.RESOLVE, Phase.CONNECT, Phase.TLS, Phase.FIRST_BYTE);
  }
}
