package dev.greetprobe.probe.net;

import dev.greetprobe.probe.config.IpProtocol;
import dev.greetprobe.probe.config.ProbeConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Resolves host names afresh on every call: no cache, so every probe measures a real lookup. Names in /etc/hosts
 * answer first, as they do for any program on the host; the rest go to the configured DNS servers, or to
 * resolv.conf's with its search domains and ndots (what a Kubernetes pod needs to find a Service by short name).
 *
 * <p>A lookup ends with its probe: it is cancelled at the probe's deadline, so that it sends no further query (to the
 * next server, or the next search domain), and the query timeout is capped by the probe's timeout, so that a query
 * sent just before the deadline does not hold its query ID for the whole configured timeout after it. An answer
 * truncated over UDP is asked again over TCP, as resolvers do.
 *
 * <p>Lookups run on one DNS thread of their own, and complete on the caller's Vert.x context.
 */
public final class Resolver implements AutoCloseable {

  /**
   * Resolvers per setting, taking turns. Netty keeps a query ID for ten seconds after its query timed out, lest a late
   * answer meet the ID's next query, and one resolver has 65,536 IDs per server: a server that answers nothing would
   * spend them all for every lookup. Each resolver has a socket and an ID space of its own, as a resolver that opens
   * a socket per query has.
   */
  static final int RESOLVERS_PER_SETTING = 4;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("probe-dns", true), NioIoHandler.newFactory());
  private final ProbeConfig.Dns dns;
  private final Map<Key, List<DnsNameResolver>> resolvers = new ConcurrentHashMap<>();
  private final AtomicInteger turn = new AtomicInteger();

  private record Key(IpProtocol protocol, long queryTimeoutMillis) {
  }

  public Resolver(ProbeConfig.Dns dns) {
    this.dns = dns;
    for (IpProtocol protocol : IpProtocol.values()) {
      resolver(protocol, dns.queryTimeout().toMillis());
    }
  }

  private DnsNameResolver resolver(IpProtocol protocol, long queryTimeoutMillis) {
    List<DnsNameResolver> shared = resolvers.computeIfAbsent(new Key(protocol, queryTimeoutMillis),
        key -> Stream.generate(() -> build(protocol, queryTimeoutMillis)).limit(RESOLVERS_PER_SETTING).toList());
    return shared.get(Math.floorMod(turn.getAndIncrement(), shared.size()));
  }

  private DnsNameResolver build(IpProtocol protocol, long queryTimeoutMillis) {
    DnsNameResolverBuilder builder = new DnsNameResolverBuilder(group.next())
        .datagramChannelType(NioDatagramChannel.class)
        .socketChannelType(NioSocketChannel.class)
        .resolveCache(NoopDnsCache.INSTANCE)
        .cnameCache(NoopDnsCnameCache.INSTANCE)
        .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
        .resolvedAddressTypes(protocol.addressTypes)
        .completeOncePreferredResolved(true)
        .queryTimeoutMillis(queryTimeoutMillis)
        .nameServerProvider(dns.system()
            ? DnsServerAddressStreamProviders.platformDefault()
            : new SequentialDnsServerAddressStreamProvider(dns.servers().stream()
                .map(s -> new InetSocketAddress(s.host(), s.port())).toList()));
    if (dns.search() != null) {
      builder.searchDomains(dns.search());
    }
    if (dns.ndots() >= 0) {
      builder.ndots(dns.ndots());
    }
    return builder.build();
  }

  /**
   * The configured query timeout, or the probe's timeout when that is shorter, rounded up to 1, 2 or 5 times a power of
   * ten milliseconds. Each query timeout takes resolvers of its own (sockets and ID spaces): the steps keep
   * {@code /probe}'s timeouts from making some each. Up, not down: a query must not give up while its probe may still
   * use the answer, and the cancellation at the deadline ends the lookup.
   */
  static long queryTimeoutMillis(Duration configured, Duration timeout) {
    long limit = configured.toMillis();
    for (long decade = 1; decade < limit; decade *= 10) {
      for (long step : new long[] {decade, 2 * decade, 5 * decade}) {
        if (step >= timeout.toMillis()) {
          return Math.min(step, limit);
        }
      }
    }
    return limit;
  }

  /**
   * The first address of {@code host} in the family {@code protocol} asks for, completed on {@code context}; the
   * lookup is cancelled once {@code timeout} has passed.
   */
  public Future<InetAddress> resolve(Context context, String host, IpProtocol protocol, Duration timeout) {
    // An address needs no lookup; answering here saves two thread hand-offs per probe.
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
    if (literal != null) {
      return Future.succeededFuture(literal);
    }
    DnsNameResolver resolver = resolver(protocol, queryTimeoutMillis(dns.queryTimeout(), timeout));
    return ended(resolver.resolve(host), context, timeout);
  }

  /**
   * Every address of {@code host} (IPv4 when it has any, else IPv6), completed on {@code context}; the lookup is
   * cancelled once {@code timeout} has passed.
   */
  public Future<List<InetAddress>> resolveAll(Context context, String host, Duration timeout) {
    DnsNameResolver resolver = resolver(IpProtocol.AUTO, queryTimeoutMillis(dns.queryTimeout(), timeout));
    return ended(resolver.resolveAll(host), context, timeout);
  }

  /** {@code lookup}'s outcome on {@code context}, the lookup cancelled at {@code timeout}. */
  private <T> Future<T> ended(io.netty.util.concurrent.Future<T> lookup, Context context, Duration timeout) {
    Promise<T> promise = Promise.promise();
    io.netty.util.concurrent.Future<?> cancel = group.next()
        .schedule(() -> lookup.cancel(false), timeout.toNanos(), TimeUnit.NANOSECONDS);
    lookup.addListener(done -> cancel.cancel(false));
    lookup.addListener(done -> context.runOnContext(v -> {
      if (lookup.isSuccess()) {
        promise.complete(lookup.getNow());
      } else if (lookup.isCancelled()) {
        promise.fail(new TimeoutException("no answer within " + timeout.toMillis() + "ms"));
      } else {
        promise.fail(lookup.cause());
      }
    }));
    return promise.future();
  }

  /** The {@link Result} a failed lookup stands for. */
  public static Result classify(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof DnsErrorCauseException dns) {
        return dns.getCode() == DnsResponseCode.NXDOMAIN ? Result.DNS_NXDOMAIN : Result.DNS_ERROR;
      }
      if (cause instanceof DnsNameResolverTimeoutException || cause instanceof TimeoutException) {
        return Result.DNS_TIMEOUT;
      }
    }
    return Result.DNS_ERROR;
  }

  /**
   * Whether DNS answers, to one query of {@code host} as written (no search domain, no /etc/hosts), that it has no
   * IPv4 address: NXDOMAIN, or NOERROR and no record (NODATA, which a headless Service without ready pods answers).
   * Fails when no answer says so either way (a timeout, SERVFAIL): a failed lookup alone cannot tell an empty name
   * from a DNS in trouble, since its failure carries the reason of only one of its queries, if any.
   */
  public Future<Boolean> answersNoAddress(Context context, String host, Duration timeout) {
    DnsNameResolver resolver = resolver(IpProtocol.AUTO, queryTimeoutMillis(dns.queryTimeout(), timeout));
    return ended(resolver.query(new DefaultDnsQuestion(host, DnsRecordType.A)), context, timeout).compose(envelope -> {
      try {
        DnsResponseCode code = envelope.content().code();
        if (code.equals(DnsResponseCode.NXDOMAIN)) {
          return Future.succeededFuture(true);
        }
        if (code.equals(DnsResponseCode.NOERROR)) {
          return Future.succeededFuture(envelope.content().count(DnsSection.ANSWER) == 0);
        }
        return Future.failedFuture("the answer was " + code);
      } finally {
        envelope.release();
      }
    });
  }

  @Override
  public void close() {
    resolvers.values().forEach(shared -> shared.forEach(DnsNameResolver::close));
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
