package com.example.vega.health;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Core's package graph (docs/api.md): no cycles between its packages, the bottom {@code internal}
 * package depends on no other, the API package on no feature package, and no public signature
 * outside an {@code internal} package names an internal type. Main classes only.
 */
class PackageGraphTest {
  private static final String ROOT = "com.example.vega.health";

  // Imported once: a few hundred classes, well under a second.
  private static final JavaClasses CORE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages(ROOT);

  /** Every package its own slice: the root package too, which a {@code (*)} pattern would leave out. */
  private static final SliceAssignment EACH_PACKAGE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass c) {
      String p = c.getPackageName();
      return p.equals(ROOT) || p.startsWith(ROOT + ".") ? SliceIdentifier.of(p) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "each package of " + ROOT;
    }
  };

  @Test
  void noPackageCycles() {
    slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles().check(CORE);
  }

  @Test
  void theInternalPackageDependsOnNoOtherPackageOfCore() {
    noClasses().that().resideInAPackage(ROOT + ".internal")
        .should().dependOnClassesThat(resideInAPackage(ROOT + "..").and(not(resideInAPackage(ROOT + ".internal"))))
        .check(CORE);
  }

  @Test
  void theApiPackageDependsOnNoFeaturePackage() {
    // The checks, the endpoints and the telemetry build on the API; the API reads settings with
    // the parsers of internal and the token hand-off's names, nothing above it.
    noClasses().that().resideInAPackage(ROOT)
        .should().dependOnClassesThat(resideInAnyPackage(ROOT + ".checks..", ROOT + ".http..", ROOT + ".trace..",
            ROOT + ".telemetry..", ROOT + ".metrics.."))
        .check(CORE);
  }

  @Test
  void noPublicSignatureOutsideInternalNamesAnInternalType() {
    codeUnits().that().arePublic()
        .and().areDeclaredInClassesThat().arePublic()
        .and().areDeclaredInClassesThat().resideOutsideOfPackage("..internal..")
        .should(nameNoInternalType())
        .check(CORE);
  }

  private static ArchCondition<JavaCodeUnit> nameNoInternalType() {
    return new ArchCondition<>("name no type of an internal package in parameters or result") {
      @Override
      public void check(JavaCodeUnit unit, ConditionEvents events) {
        List<JavaClass> types = new ArrayList<>(unit.getRawParameterTypes());
        types.add(unit.getRawReturnType());
        for (JavaClass t : types) {
          JavaClass base = t.isArray() ? t.getBaseComponentType() : t;
          if (base.getPackageName().contains(".internal")) {
            events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " names " + base.getName()));
          }
        }
      }
    };
  }
}
