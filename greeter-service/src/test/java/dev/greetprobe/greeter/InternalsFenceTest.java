package dev.greetprobe.greeter;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Everything below Vert.x's public API (its internals, Netty's epoll and unix classes) is used in one package, the
 * {@code epoll} one: the rest of the greeter, its {@code vertx} transport included, stands on the public API alone.
 */
class InternalsFenceTest {

  private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.greetprobe");

  @Test
  void onlyTheEpollPackageUsesVertxInternalsOrNettysEpollAndUnixClasses() {
    noClasses()
        .that().resideOutsideOfPackage("dev.greetprobe.greeter.epoll..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("io.vertx.core.internal..", "io.netty.channel.epoll..", "io.netty.channel.unix..")
        .because("what lies below Vert.x's public API belongs to the fenced epoll package")
        .check(MAIN_CLASSES);
  }
}
