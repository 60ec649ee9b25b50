package dev.greetprobe.probe;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DnsResponseCode;
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
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Resolves host names afresh on every call: no cache, so every probe measures a real lookup. Names in /etc/hosts
 * answer first, as they do for any program on the host; the rest go to the configured DNS servers, or to
 * resolv.conf's with its search domains and ndots (what a Kubernetes pod needs to find a Service by short name).
 *
 * <p>Lookups run on one DNS thread of their own, and complete on the caller's Vert.x context.
 */
public final class Resolver implements AutoCloseable {

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("probe-dns", true), NioIoHandler.newFactory());
  private final Map<IpProtocol, DnsNameResolver> resolvers = new EnumMap<>(IpProtocol.class);

  public Resolver(ProbeConfig.Dns dns) {
    for (IpProtocol protocol : IpProtocol.values()) {
      DnsNameResolverBuilder builder = new DnsNameResolverBuilder(group.next())
          .datagramChannelType(NioDatagramChannel.class)
          .resolveCache(NoopDnsCache.INSTANCE)
          .cnameCache(NoopDnsCnameCache.INSTANCE)
          .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
          .resolvedAddressTypes(protocol.addressTypes)
          .completeOncePreferredResolved(true)
          .queryTimeoutMillis(dns.queryTimeout().toMillis())
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
      resolvers.put(protocol, builder.build());
    }
  }

  /** The first address of {@code host} in the family {@code protocol} asks for, completed on {@code context}. */
  public Future<InetAddress> resolve(Context context, String host, IpProtocol protocol) {
    // An address needs no lookup; answering here saves two thread hand-offs per probe.
    InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
    if (literal != null) {
      return Future.succeededFuture(literal);
    }
    Promise<InetAddress> promise = Promise.promise();
    io.netty.util.concurrent.Future<InetAddress> lookup = resolvers.get(protocol).resolve(host);
    lookup.addListener(done -> context.runOnContext(v -> {
      if (lookup.isSuccess()) {
        promise.complete(lookup.getNow());
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
      if (cause instanceof DnsNameResolverTimeoutException) {
        return Result.DNS_TIMEOUT;
      }
    }
    return Result.DNS_ERROR;
  }

  @Override
  public void close() {
    resolvers.values().forEach(DnsNameResolver::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
