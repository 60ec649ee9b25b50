package dev.greetprobe.greeter;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The greeter's packages depend one way: the entry points and wiring on everything; the two transports,
 * {@code vertx} and {@code epoll}, on {@code pipeline}; {@code pipeline} on {@code admission} and {@code tls}; those
 * on {@code metrics}; and all of them on {@code config}, which depends on none of them. Only the wiring knows which
 * transport runs: neither transport sees the other.
 */
class PackageArrowsTest {

  private static final JavaClasses GREETER = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.greetprobe.greeter");

  @Test
  void thePackagesDependOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("entry points").definedBy("dev.greetprobe.greeter")
        .layer("vertx").definedBy("dev.greetprobe.greeter.vertx..")
        .layer("epoll").definedBy("dev.greetprobe.greeter.epoll..")
        .layer("pipeline").definedBy("dev.greetprobe.greeter.pipeline..")
        .layer("admission").definedBy("dev.greetprobe.greeter.admission..")
        .layer("tls").definedBy("dev.greetprobe.greeter.tls..")
        .layer("metrics").definedBy("dev.greetprobe.greeter.metrics..")
        .layer("config").definedBy("dev.greetprobe.greeter.config..")
        .whereLayer("entry points").mayNotBeAccessedByAnyLayer()
        .whereLayer("vertx").mayOnlyBeAccessedByLayers("entry points")
        .whereLayer("epoll").mayOnlyBeAccessedByLayers("entry points")
        .whereLayer("pipeline").mayOnlyBeAccessedByLayers("entry points", "vertx", "epoll")
        .whereLayer("admission").mayOnlyBeAccessedByLayers("entry points", "vertx", "epoll", "pipeline")
        .whereLayer("tls").mayOnlyBeAccessedByLayers("entry points", "vertx", "epoll", "pipeline")
        .whereLayer("metrics")
        .mayOnlyBeAccessedByLayers("entry points", "vertx", "epoll", "pipeline", "admission", "tls")
        .whereLayer("config").mayNotAccessAnyLayer()
        .ensureAllClassesAreContainedInArchitecture()
        .because("a package that reaches up, or sideways into the other transport, ties what it does to what uses it")
        .check(GREETER);
  }
}
