package dev.greetprobe.probe;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import org.junit.jupiter.api.Test;

/**
 * The probe's packages depend one way: the entry points on {@code http}, {@code http} on {@code schedule},
 * {@code schedule} on {@code net} and {@code metrics}, and all of them on {@code config}, which depends on none of
 * them. {@code epoll} plugs into {@code net}, and only the entry points know it is there.
 */
class PackageArrowsTest {

  private static final JavaClasses PROBE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.greetprobe.probe");

  @Test
  void thePackagesDependOneWay() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("entry points").definedBy("dev.greetprobe.probe")
        .layer("http").definedBy("dev.greetprobe.probe.http..")
        .layer("schedule").definedBy("dev.greetprobe.probe.schedule..")
        .layer("metrics").definedBy("dev.greetprobe.probe.metrics..")
        .layer("net").definedBy("dev.greetprobe.probe.net..")
        .layer("epoll").definedBy("dev.greetprobe.probe.epoll..")
        .layer("config").definedBy("dev.greetprobe.probe.config..")
        .whereLayer("entry points").mayNotBeAccessedByAnyLayer()
        .whereLayer("http").mayOnlyBeAccessedByLayers("entry points")
        .whereLayer("schedule").mayOnlyBeAccessedByLayers("entry points", "http")
        .whereLayer("metrics").mayOnlyBeAccessedByLayers("entry points", "http", "schedule")
        .whereLayer("net").mayOnlyBeAccessedByLayers("entry points", "http", "schedule", "metrics", "epoll")
        .whereLayer("epoll").mayOnlyBeAccessedByLayers("entry points")
        .whereLayer("epoll").mayOnlyAccessLayers("net", "config")
        .whereLayer("config").mayNotAccessAnyLayer()
        .ensureAllClassesAreContainedInArchitecture()
        .because("a package that reaches up, or sideways into epoll, ties what it does to what uses it")
        .check(PROBE);
  }

  @Test
  void metricsSeeOfNetOnlyTheOutcomesOfProbes() {
    noClasses()
        .that().resideInAPackage("dev.greetprobe.probe.metrics..")
        .should().dependOnClassesThat(resideInAPackage("dev.greetprobe.probe.net..")
            .and(not(belongToAnyOf(ProbeResult.class, Result.class))))
        .because("metrics export what a probe found, and never how it was found")
        .check(PROBE);
  }
}
