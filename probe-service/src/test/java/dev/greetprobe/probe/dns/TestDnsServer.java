package dev.greetprobe.probe.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * An in-process authoritative DNS server on UDP and TCP loopback (one port number for both), for tests that need
 * real DNS answers, failures and timeouts without touching the machine's resolver.
 *
 * <p>Behaviour is a rule table keyed by the lower-cased name without its trailing dot. Names without a rule get
 * NXDOMAIN. A name with A records only answers a AAAA question with NOERROR and no records (NODATA), and the
 * other way round; any other question type for a name with records is NODATA too. Answers are authoritative
 * (AA set), carry TTL 0 so that a resolver has nothing to cache, echo the question and the query id, copy RD
 * from the query and leave RA clear because this server never recurses.
 *
 * <p>All methods are thread-safe; rule changes apply to queries arriving after the call returns. Malformed
 * datagrams are dropped without a reply.
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *   dns.answer("greeter.test", "127.0.0.1").delay("greeter.test", Duration.ofMillis(200));
 *   dns.silent("blackhole.test");
 *   ... point the resolver under test at dns.address() ...
 * }
 * }</pre>
 */
public final class TestDnsServer implements AutoCloseable {

  private static final String HOST = "127.0.0.1";

  private enum Mode { ANSWER, NXDOMAIN, SERVFAIL, SILENT }

  private enum Transport { UDP, TCP }

  /** One address record to serve; rdata is the 4 or 16 raw address bytes. */
  private record AddressRecord(DnsRecordType type, byte[] rdata) {
  }

  /**
   * What to do for one name. Immutable so that a rule can be swapped atomically in the table and read by the
   * event loop without locking.
   */
  private record Rule(Mode mode, List<AddressRecord> records, Duration delay, boolean truncatedOverUdp) {

    static final Rule UNKNOWN = new Rule(Mode.NXDOMAIN, List.of(), Duration.ZERO, false);

    Rule withRecord(AddressRecord record) {
      List<AddressRecord> more = new ArrayList<>(records);
      more.add(record);
      return new Rule(Mode.ANSWER, List.copyOf(more), delay, truncatedOverUdp);
    }

    /** Records only make sense with ANSWER, so any other mode drops them. */
    Rule withMode(Mode newMode) {
      return new Rule(newMode, List.of(), delay, false);
    }

    Rule withDelay(Duration newDelay) {
      return new Rule(mode, records, newDelay, truncatedOverUdp);
    }

    Rule truncated() {
      return new Rule(mode, records, delay, true);
    }
  }

  private final Map<String, Rule> rules = new ConcurrentHashMap<>();
  private final Map<String, Integer> queryCounts = new ConcurrentHashMap<>();
  private final Map<String, Integer> tcpQueryCounts = new ConcurrentHashMap<>();
  private final Map<String, Set<Integer>> udpSourcePorts = new ConcurrentHashMap<>();
  private final EventLoopGroup group;
  private final Channel channel;
  private final Channel tcpChannel;
  private final int port;

  private TestDnsServer() {
    // Daemon threads: a test that forgets close() must not keep the JVM alive.
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("test-dns-server", true),
        NioIoHandler.newFactory());
    try {
      Channel[] bound = bindBoth();
      tcpChannel = bound[0];
      channel = bound[1];
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    port = ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * A TCP listener on an ephemeral port, then UDP on the same number, where resolvers retry a truncated answer. The
   * number may be taken for UDP already: then another is tried.
   */
  private Channel[] bindBoth() {
    for (int attempt = 1; ; attempt++) {
      Channel tcp = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline().addLast(new TcpDnsQueryDecoder(), new TcpDnsResponseEncoder(),
                  new QueryHandler(Transport.TCP));
            }
          })
          .bind(new InetSocketAddress(HOST, 0))
          .syncUninterruptibly()
          .channel();
      ChannelFuture udp = new Bootstrap()
          .group(group)
          .channel(NioDatagramChannel.class)
          .handler(new ChannelInitializer<DatagramChannel>() {
            @Override
            protected void initChannel(DatagramChannel ch) {
              ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                  new QueryHandler(Transport.UDP));
            }
          })
          .bind(new InetSocketAddress(HOST, ((InetSocketAddress) tcp.localAddress()).getPort()))
          .awaitUninterruptibly();
      if (udp.isSuccess()) {
        return new Channel[] {tcp, udp.channel()};
      }
      tcp.close().syncUninterruptibly();
      if (attempt == 10) {
        throw new IllegalStateException("no port free for both UDP and TCP", udp.cause());
      }
    }
  }

  /** Starts a server on 127.0.0.1 with an ephemeral port. */
  public static TestDnsServer start() {
    return new TestDnsServer();
  }

  /** The IPv4 loopback literal the server listens on, for clients that take host and port apart. */
  public String host() {
    return HOST;
  }

  public int port() {
    return port;
  }

  /** {@code "127.0.0.1:port"}, the form {@code AddressResolverOptions.addServer} takes. */
  public String address() {
    return HOST + ":" + port;
  }

  /**
   * Adds an A record (IPv4 literal) or AAAA record (IPv6 literal) for the name; repeated calls add records.
   * Replaces an NXDOMAIN, SERVFAIL or silent rule for the name but keeps its delay.
   */
  public TestDnsServer answer(String name, String ipLiteral) {
    AddressRecord record = record(ipLiteral);
    update(name, rule -> rule.withRecord(record));
    return this;
  }

  private static AddressRecord record(String ipLiteral) {
    byte[] rdata = NetUtil.createByteArrayFromIpAddressString(Objects.requireNonNull(ipLiteral, "ipLiteral"));
    if (rdata == null) {
      throw new IllegalArgumentException("Not an IP literal: " + ipLiteral);
    }
    return new AddressRecord(rdata.length == 4 ? DnsRecordType.A : DnsRecordType.AAAA, rdata);
  }

  /**
   * Answers the name with exactly these addresses from now on, replacing its records and its mode in one step, as a
   * headless Service's records change when a pod becomes ready or goes; keeps its delay.
   */
  public TestDnsServer only(String name, List<String> ipLiterals) {
    List<AddressRecord> records = ipLiterals.stream().map(TestDnsServer::record).toList();
    update(name, rule -> new Rule(Mode.ANSWER, records, rule.delay(), false));
    return this;
  }

  /** Answers the name with NOERROR and no records (NODATA): the name exists, and lists nothing. */
  public TestDnsServer empty(String name) {
    return only(name, List.of());
  }

  /** Answers the name with NXDOMAIN, dropping its records; this is also what unknown names get. */
  public TestDnsServer nxdomain(String name) {
    update(name, rule -> rule.withMode(Mode.NXDOMAIN));
    return this;
  }

  /** Answers the name with SERVFAIL, dropping its records. */
  public TestDnsServer servfail(String name) {
    update(name, rule -> rule.withMode(Mode.SERVFAIL));
    return this;
  }

  /** Never answers queries for the name, so the client times out. */
  public TestDnsServer silent(String name) {
    update(name, rule -> rule.withMode(Mode.SILENT));
    return this;
  }

  /**
   * Answers the name's questions over UDP with the TC (truncated) bit set and no records, as a server does whose
   * answer does not fit in a datagram, and in full over TCP. Keeps the name's records and delay.
   */
  public TestDnsServer truncated(String name) {
    update(name, Rule::truncated);
    return this;
  }

  /**
   * Sends the name's reply (records, NXDOMAIN or SERVFAIL, whichever the name's other rules give) after the
   * delay. The reply is scheduled on the server's event loop, so other names are still answered meanwhile.
   */
  public TestDnsServer delay(String name, Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("Negative delay: " + delay);
    }
    update(name, rule -> rule.withDelay(delay));
    return this;
  }

  /** Removes every rule for the name, so it is unknown (NXDOMAIN) again. Query counts are kept. */
  public TestDnsServer clear(String name) {
    rules.remove(normalize(name));
    return this;
  }

  /** How many queries, of any type and whether answered or not, have arrived for the name, over UDP or TCP. */
  public int queries(String name) {
    return queryCounts.getOrDefault(normalize(name), 0);
  }

  /** The ports the name's UDP queries came from: a client's sockets. */
  public Set<Integer> sourcePorts(String name) {
    return Set.copyOf(udpSourcePorts.getOrDefault(normalize(name), Set.of()));
  }

  /** How many of {@link #queries} came over TCP. */
  public int tcpQueries(String name) {
    return tcpQueryCounts.getOrDefault(normalize(name), 0);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    tcpChannel.close().syncUninterruptibly();
    // No quiet period: nothing else is submitted to this group, and delayed replies still pending are moot.
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void update(String name, UnaryOperator<Rule> change) {
    rules.compute(normalize(name), (key, rule) -> change.apply(rule == null ? Rule.UNKNOWN : rule));
  }

  private static String normalize(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /** Runs on the server's single event loop thread. */
  private final class QueryHandler extends SimpleChannelInboundHandler<DnsQuery> {

    private final Transport transport;

    QueryHandler(Transport transport) {
      this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DnsQuery query) {
      DnsQuestion question = query.recordAt(DnsSection.QUESTION);
      if (question == null) {
        return; // Nothing to answer: treat as malformed.
      }
      String name = normalize(question.name());
      queryCounts.merge(name, 1, Integer::sum);
      if (transport == Transport.TCP) {
        tcpQueryCounts.merge(name, 1, Integer::sum);
      } else {
        udpSourcePorts.computeIfAbsent(name, n -> ConcurrentHashMap.newKeySet())
            .add(((DatagramDnsQuery) query).sender().getPort());
      }
      Rule rule = rules.getOrDefault(name, Rule.UNKNOWN);
      if (rule.mode() == Mode.SILENT) {
        return;
      }
      // The query is released when this method returns, so capture what the reply needs now and build the
      // reply only when it is sent: a reply still scheduled when the server closes then holds no resources.
      InetSocketAddress client = query instanceof DatagramDnsQuery datagram ? datagram.sender() : null;
      InetSocketAddress local = query instanceof DatagramDnsQuery datagram ? datagram.recipient() : null;
      int id = query.id();
      DnsOpCode opCode = query.opCode();
      boolean recursionDesired = query.isRecursionDesired();
      boolean truncate = rule.truncatedOverUdp() && transport == Transport.UDP;
      DnsQuestion echoed = new DefaultDnsQuestion(question.name(), question.type(), question.dnsClass());
      Runnable reply = () -> {
        DnsResponse response = transport == Transport.UDP
            ? new DatagramDnsResponse(local, client, id, opCode, responseCode(rule, opCode))
            : new DefaultDnsResponse(id, opCode, responseCode(rule, opCode));
        response.setAuthoritativeAnswer(true);
        response.setRecursionDesired(recursionDesired);
        response.setRecursionAvailable(false);
        response.setTruncated(truncate);
        response.addRecord(DnsSection.QUESTION, echoed);
        if (!truncate && opCode == DnsOpCode.QUERY && echoed.dnsClass() == DnsRecord.CLASS_IN) {
          for (AddressRecord record : rule.records()) {
            if (record.type().equals(echoed.type())) {
              // The record name echoes the question as asked, case included: clients such as Vert.x's
              // DnsClient only keep answers whose name equals the one they asked for.
              response.addRecord(DnsSection.ANSWER,
                  new DefaultDnsRawRecord(echoed.name(), record.type(), 0, Unpooled.wrappedBuffer(record.rdata())));
            }
          }
        }
        ctx.writeAndFlush(response);
      };
      if (rule.delay().isZero()) {
        reply.run();
      } else {
        ctx.executor().schedule(reply, rule.delay().toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    private DnsResponseCode responseCode(Rule rule, DnsOpCode opCode) {
      if (opCode != DnsOpCode.QUERY) {
        return DnsResponseCode.NOTIMP;
      }
      return switch (rule.mode()) {
        case ANSWER -> DnsResponseCode.NOERROR;
        case SERVFAIL -> DnsResponseCode.SERVFAIL;
        // SILENT never gets a reply, so only NXDOMAIN reaches this arm.
        case NXDOMAIN, SILENT -> DnsResponseCode.NXDOMAIN;
      };
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A datagram the codec cannot decode (garbage, a response instead of a query, ...) ends up here. A real
      // server drops it; the UDP channel stays open and keeps serving.
    }
  }
}
