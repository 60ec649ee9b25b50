package dev.greetprobe.probe.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;

/** Targets for tests, built from the defaults a config file would give. */
public final class TestTargets {

  private String name = "t";
  private HostPort address;
  private Expect expect;
  private String send;
  private Target.Tls tls;
  private IpProtocol ipProtocol = IpProtocol.AUTO;
  private Duration interval = Duration.ofSeconds(10);
  private Duration timeout = Duration.ofSeconds(2);
  private TargetLabels labels = TargetLabels.NONE;

  public static TestTargets target(String address) {
    TestTargets t = new TestTargets();
    t.address = HostPort.parse(address);
    return t;
  }

  public TestTargets name(String value) {
    name = value;
    return this;
  }

  public TestTargets expect(String regex) {
    expect = Expect.compile(regex);
    return this;
  }

  public TestTargets send(String text) {
    send = text;
    return this;
  }

  public TestTargets tls(String serverName, Path caFile, boolean insecureSkipVerify) {
    tls = new Target.Tls(serverName, caFile == null ? null : TlsFile.read(caFile), insecureSkipVerify);
    return this;
  }

  public TestTargets clientCertificate(Path certFile, Path keyFile) {
    tls = new Target.Tls(tls.serverName(), tls.caFile(), tls.insecureSkipVerify(), TlsFile.read(certFile),
        TlsFile.read(keyFile));
    return this;
  }

  public TestTargets ipProtocol(IpProtocol value) {
    ipProtocol = value;
    return this;
  }

  public TestTargets interval(Duration value) {
    interval = value;
    return this;
  }

  public TestTargets timeout(Duration value) {
    timeout = value;
    return this;
  }

  /** Labels as {@code name, value} pairs. */
  public TestTargets labels(String... pairs) {
    SortedMap<String, String> values = new TreeMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      values.put(pairs[i], pairs[i + 1]);
    }
    labels = new TargetLabels(values);
    return this;
  }

  public Target build() {
    return new Target(name, address, expect, send, tls, ipProtocol, interval, timeout, labels);
  }
}
