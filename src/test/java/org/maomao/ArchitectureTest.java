package org.maomao;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package rules of docs/ARCHITECTURE.md, checked on the compiled classes so that they stay
 * true: no package cycles, each technology inside the one package that adapts it, and the run
 * pipeline and the detector free of technology.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.maomao");

    @Test
    void packages_depend_on_each_other_without_cycles() {
        slices().matching("org.maomao.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void quartz_appears_only_in_schedule() {
        onlyIn("schedule", "org.quartz..");
    }

    @Test
    void docker_java_appears_only_in_docker() {
        onlyIn("docker", "com.github.dockerjava..");
    }

    @Test
    void jgit_appears_only_in_dataset() {
        onlyIn("dataset", "org.eclipse.jgit..");
    }

    @Test
    void javalin_and_jetty_appear_only_in_http() {
        onlyIn("http", "io.javalin..", "org.eclipse.jetty..");
    }

    @Test
    void jetcd_appears_only_in_cluster() {
        onlyIn("cluster", "io.etcd..");
    }

    @Test
    void micrometer_appears_only_in_metrics() {
        onlyIn("metrics", "io.micrometer..");
    }

    @Test
    void flyway_and_the_connection_pool_appear_only_in_store() {
        onlyIn("store", "org.flywaydb..", "com.zaxxer..");
    }

    @Test
    void picocli_appears_only_in_cli() {
        onlyIn("cli", "picocli..");
    }

    @Test
    void config_files_are_read_only_in_config() {
        onlyIn("config", "org.apache.commons.configuration2..");
    }

    @Test
    void the_run_pipeline_sees_only_interfaces_of_the_technology() {
        noClasses().that().resideInAPackage("org.maomao.run..")
                .should().dependOnClassesThat().resideInAnyPackage("org.maomao.docker..", "org.maomao.dataset..",
                        "org.maomao.store..", "org.maomao.schedule..", "org.maomao.http..", "org.maomao.cli..",
                        "org.maomao.cluster..", "org.maomao.metrics..", "org.maomao.config..")
                .because("run defines the interfaces (ContainerRunner, DatasetWriter, RunStore) that the technology implements")
                .check(MAIN);
    }

    @Test
    void the_detector_knows_nothing_of_runs_collectors_or_storage() {
        noClasses().that().resideInAPackage("org.maomao.spike..")
                .should().dependOnClassesThat().resideOutsideOfPackages("org.maomao.spike..", "java..",
                        "org.slf4j..", "com.fasterxml.jackson..", "org.apache.commons.math3..")
                .check(MAIN);
    }

    @Test
    void units_depend_on_nothing_else_of_maomao() {
        noClasses().that().resideInAPackage("org.maomao.units..")
                .should().dependOnClassesThat().resideInAPackage("org.maomao..")
                .andShould().dependOnClassesThat().resideOutsideOfPackages("org.maomao.units..", "java..")
                .check(MAIN);
    }

    @Test
    void the_cli_is_a_client_of_the_api_not_of_the_daemon_inside() {
        noClasses().that().resideInAPackage("org.maomao.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.maomao.run..", "org.maomao.store..",
                        "org.maomao.schedule..", "org.maomao.http..", "org.maomao.dataset..", "org.maomao.metrics..",
                        "org.maomao.cluster..")
                .check(MAIN);
    }

    /** Classes outside {@code org.maomao.<pkg>} must not use the given library packages. */
    private static void onlyIn(String pkg, String... libraries) {
        noClasses().that().resideOutsideOfPackage("org.maomao." + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(libraries)
                .because("the " + pkg + " package is the one adapter of " + String.join(", ", libraries))
                .check(MAIN);
    }
}
