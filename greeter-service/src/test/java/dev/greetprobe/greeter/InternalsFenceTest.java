package dev.greetprobe.greeter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.greetprobe.common.LeanNativeTransport;
import org.junit.jupiter.api.Test;

/**
 * What lies below Vert.x's public API is used in two packages of the greeter, each for its own part, and nowhere else
 * (the greeter's code and what it shares with the probe alike).
 *
 * <p>Vert.x's internals are the {@code pipeline} package's. A plain greeting on the {@code vertx} transport is a
 * {@code NetServer}'s connection written through the public API, but for two things the public API does not do: one
 * direct buffer shared by every write ({@code BufferInternal}), and closing a client that leaves its greeting unread
 * ahead of the writes queued for it. TLS and the PROXY protocol on {@code vertx} run the pipeline's Netty handlers,
 * put ahead of Vert.x's through {@code NetSocketInternal.channelHandlerContext()}, the hook Vert.x documents for
 * reusing Netty codecs, because the public API shakes hands before the connect handler can admit the client. The
 * {@code epoll} transport takes Vert.x's event loops from there too.
 *
 * <p>Netty's epoll and unix classes are the {@code epoll} package's: the transport that listens with sockets of its
 * own. The one other class that names them is {@link LeanNativeTransport}, the Vert.x transport both services run
 * on, given through Vert.x's public transport SPI: it names the epoll socket options it leaves as a new socket has
 * them.
 */
class InternalsFenceTest {

  private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.greetprobe");

  @Test
  void onlyThePipelineUsesVertxInternals() {
    noClasses()
        .that().resideOutsideOfPackage("dev.greetprobe.greeter.pipeline..")
        .should().dependOnClassesThat().resideInAPackage("io.vertx.core.internal..")
        .because("what lies below Vert.x's public API is reached through the pipeline's handlers alone")
        .check(MAIN_CLASSES);
  }

  @Test
  void onlyTheEpollPackageUsesNettysEpollAndUnixClasses() {
    noClasses()
        .that().resideOutsideOfPackage("dev.greetprobe.greeter.epoll..")
        .and().doNotHaveFullyQualifiedName(LeanNativeTransport.class.getName())
        .should().dependOnClassesThat().resideInAnyPackage("io.netty.channel.epoll..", "io.netty.channel.unix..")
        .because("the native transport's classes belong to the transport that uses them, epoll")
        .check(MAIN_CLASSES);
  }
}
