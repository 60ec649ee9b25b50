package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.greetprobe.testkit.ChildProcess;
import dev.greetprobe.testkit.Command;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.directory.InitialDirContext;

/**
 * Debian's dnsmasq as the DNS server of a system test: on 127.0.0.1 and a port of its own, answering the given A
 * records, and NXDOMAIN for every other name under {@code .test}. It can be stopped and started again on the same
 * port, as a DNS server that fails and recovers.
 */
final class Dnsmasq implements AutoCloseable {

  /** A name under .test that no record gives: dnsmasq must answer it NXDOMAIN. */
  static final String MISSING_NAME = "missing.test";

  private final Path binary;
  private final Path log;
  private final int port;
  private final Map<String, String> records;
  private ChildProcess process;

  private Dnsmasq(Path log, int port, Map<String, String> records) {
    this.binary = Tools.require("dnsmasq");
    this.log = log;
    this.port = port;
    this.records = Map.copyOf(records);
  }

  /** Starts dnsmasq with {@code records} (name to IPv4 address) and waits until it answers them. */
  static Dnsmasq start(Path log, int port, Map<String, String> records) throws NamingException {
    Dnsmasq dns = new Dnsmasq(log, port, records);
    dns.start();
    return dns;
  }

  int port() {
    return port;
  }

  /** Starts it again, on the same port, after {@link #stop()}. */
  void start() throws NamingException {
    List<Object> command = new ArrayList<>(List.of(binary, "--no-daemon", "--port=" + port,
        "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts", "--pid-file=",
        "--log-facility=-", "--log-queries",
        // Everything else under .test is answered locally: NXDOMAIN, and no AAAA for the names given.
        "--local=/test/"));
    records.forEach((name, address) -> command.add("--address=/" + name + "/" + address));
    process = ChildProcess.startAppending("dnsmasq", Command.of(command), log);
    awaitAnswering();
  }

  /** Stops it: queries go unanswered until {@link #start()}. */
  void stop() {
    process.close();
  }

  @Override
  public void close() {
    stop();
  }

  private void awaitAnswering() throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, "dns://127.0.0.1:" + port);
    env.put("com.sun.jndi.dns.timeout.initial", "200");
    env.put("com.sun.jndi.dns.timeout.retries", "1");
    InitialDirContext resolver = new InitialDirContext(env);
    try {
      records.forEach((name, address) -> await(process + " answering " + name).atMost(SystemProcesses.STARTUP)
          .ignoreExceptions().failFast(process::assertRunning)
          .untilAsserted(() -> assertThat(resolver.getAttributes(name, new String[] {"A"}).get("A").get())
              .isEqualTo(address)));
      assertThatThrownBy(() -> resolver.getAttributes(MISSING_NAME, new String[] {"A"}))
          .isInstanceOf(NameNotFoundException.class);
    } finally {
      resolver.close();
    }
  }
}
