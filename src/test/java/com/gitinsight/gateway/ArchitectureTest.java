package com.gitinsight.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules, read from the compiled classes (ArchUnit). */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.gitinsight.gateway");
    }

    @Test
    void noCycleBetweenPackages() {
        slices().matching("com.gitinsight.gateway.(*)..")
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void configImportsNoOtherPackageOfTheGateway() {
        noClasses()
                .that()
                .resideInAPackage("com.gitinsight.gateway.config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "com.gitinsight.gateway.admin..",
                        "com.gitinsight.gateway.cache..",
                        "com.gitinsight.gateway.messaging..",
                        "com.gitinsight.gateway.observability..",
                        "com.gitinsight.gateway.proxy..",
                        "com.gitinsight.gateway.ratelimit..",
                        "com.gitinsight.gateway.routing..",
                        "com.gitinsight.gateway.runtime..",
                        "com.gitinsight.gateway.security..",
                        "com.gitinsight.gateway.upstream..",
                        "com.gitinsight.gateway.http..")
                .check(classes);
    }

    @Test
    void configRoutingAndUpstreamUseNoJakartaEe() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "com.gitinsight.gateway.config..",
                        "com.gitinsight.gateway.routing..",
                        "com.gitinsight.gateway.upstream..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta..")
                .check(classes);
    }

    @Test
    void noFilterUsesTheUpstreamHttpClient() {
        noClasses()
                .that()
                .areAssignableTo(jakarta.servlet.Filter.class)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.apache.hc..")
                .check(classes);
    }

    @Test
    void whatRequestsHandOverGoesThroughNoLockingQueue() {
        // A blocking queue is one lock, and a wake-up of the thread waiting on it, shared by every
        // request that offers to it (the access log's was). The health checks' executor (upstream)
        // queues probes, not requests.
        noClasses()
                .that()
                .resideOutsideOfPackage("com.gitinsight.gateway.upstream..")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(java.util.concurrent.BlockingQueue.class)
                .check(classes);
    }

    @Test
    void theBootAgentDependsOnTheJdkOnlyAndNothingOnIt() {
        // It runs before the server, from its own jar: no library, no gateway class is there.
        noClasses()
                .that()
                .resideInAPackage("com.gitinsight.gateway.boot..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("java..", "com.gitinsight.gateway.boot..")
                .check(classes);
        noClasses()
                .that()
                .resideOutsideOfPackage("com.gitinsight.gateway.boot..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.gitinsight.gateway.boot..")
                .check(classes);
    }
}
