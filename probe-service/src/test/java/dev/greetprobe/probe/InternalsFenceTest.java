package dev.greetprobe.probe;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * What lies below Vert.x's public API, its internals and Netty's epoll and unix classes, is used in the {@code epoll}
 * transport's package only: the default transport, and everything else, runs on the public API.
 */
class InternalsFenceTest {

  private static final JavaClasses PROBE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.greetprobe.probe");

  @Test
  void onlyTheEpollPackageReachesBelowVertxPublicApi() {
    noClasses()
        .that().resideOutsideOfPackage("dev.greetprobe.probe.epoll..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("io.vertx.core.internal..", "io.netty.channel.epoll..", "io.netty.channel.unix..")
        .because("the epoll transport's package is the one place allowed below Vert.x's public API")
        .check(PROBE);
  }
}
