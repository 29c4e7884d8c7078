package io.ballast.controller;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decide and evolve stay pure: the policy, the service state and the event protocol read no clock, draw no
 * random numbers, do no I/O and know nothing of Pekko. Replay depends on it.
 */
class PurityTest {

  private static final String[] PURE = {"io.ballast.controller.policy..", "io.ballast.controller.replay..",
      "io.ballast.persistence.state..", "io.ballast.persistence.event.."};
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.ballast");
  }

  @Test
  void readsNoClock() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().callMethod(Instant.class, "now")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(LocalDateTime.class, "now")
        .orShould().callMethod(OffsetDateTime.class, "now")
        .orShould().callMethod(ZonedDateTime.class, "now")
        .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
        .check(classes);
  }

  @Test
  void drawsNoRandomNumbers() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().callMethod(Math.class, "random")
        .orShould().dependOnClassesThat().areAssignableTo(Random.class)
        .orShould().dependOnClassesThat().areAssignableTo(ThreadLocalRandom.class)
        .orShould().callMethod(UUID.class, "randomUUID")
        .check(classes);
  }

  @Test
  void doesNoIoAndKnowsNoPekko() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().dependOnClassesThat().resideInAnyPackage(
            "org.apache.pekko..", "java.io..", "java.nio..", "java.net..", "java.sql..", "org.slf4j..")
        .check(classes);
  }
}
