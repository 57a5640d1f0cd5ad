package org.smtpcr.core;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * smtpcr-core's packages import downward only: engine → rules → spi → store → address → the model
 * (org.smtpcr.core) → auth → reply, with internal usable from every layer. This checks the compiled
 * main classes, so it also sees references that only a Javadoc-free signature or a lambda makes.
 */
final class PackageLayersTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importLocations(List.of(Location.of(mainClasses())));

  /** Where the main classes are (target/classes): faster than scanning the class path. */
  private static URI mainClasses() {
    try {
      return DecisionOutcome.class.getProtectionDomain().getCodeSource().getLocation().toURI();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void packages_importDownwardOnly() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("engine")
        .definedBy("org.smtpcr.core.engine..")
        .layer("rules")
        .definedBy("org.smtpcr.core.rules..")
        .layer("spi")
        .definedBy("org.smtpcr.core.spi..")
        .layer("store")
        .definedBy("org.smtpcr.core.store..")
        .layer("address")
        .definedBy("org.smtpcr.core.address..")
        .layer("model")
        .definedBy("org.smtpcr.core")
        .layer("auth")
        .definedBy("org.smtpcr.core.auth..")
        .layer("reply")
        .definedBy("org.smtpcr.core.reply..")
        .layer("internal")
        .definedBy("org.smtpcr.core.internal..")
        .whereLayer("engine")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("rules")
        .mayOnlyBeAccessedByLayers("engine")
        .whereLayer("spi")
        .mayOnlyBeAccessedByLayers("engine", "rules")
        // spi: RuleContext.lookUp, the one store call a decision's rules share
        .whereLayer("store")
        .mayOnlyBeAccessedByLayers("engine", "rules", "spi")
        .whereLayer("address")
        .mayOnlyBeAccessedByLayers("engine", "rules", "spi", "store")
        .whereLayer("model")
        .mayOnlyBeAccessedByLayers("engine", "rules", "spi", "store", "address")
        .whereLayer("auth")
        .mayOnlyBeAccessedByLayers(
            "engine", "rules", "spi", "store", "address", "model", "internal")
        .whereLayer("reply")
        .mayOnlyBeAccessedByLayers("engine", "rules", "spi", "store", "address", "model", "auth")
        .check(CORE);
  }

  @Test
  void packages_haveNoCycles() {
    slices().matching("org.smtpcr.core.(*)..").should().beFreeOfCycles().check(CORE);
  }
}
