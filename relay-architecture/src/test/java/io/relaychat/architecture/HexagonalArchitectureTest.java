package io.relaychat.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.conditions.ArchPredicates.are;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency rules of the hexagon, checked on the compiled main classes of every module: this module
 * depends on all of them, so the server, the load generator and the benchmarks are analysed together. The
 * Maven reactor already stops a module from using one it does not declare; these rules hold what it cannot
 * see: which packages may use which, that the core stays free of frameworks, where benchmarks live, and that
 * the load generator and the Java client speak only the protocol.
 */
@AnalyzeClasses(packages = "io.relaychat", importOptions = ImportOption.DoNotIncludeTests.class)
class HexagonalArchitectureTest {
    private static final String PORTS = "io.relaychat.ports..";
    private static final String INBOUND_PORTS = "io.relaychat.ports.in..";
    private static final String OUTBOUND_PORTS = "io.relaychat.ports.out..";
    private static final String DOMAIN = "io.relaychat.domain..";
    private static final String ADAPTERS = "io.relaychat.adapter..";
    private static final String SERVER = "io.relaychat.server..";
    private static final String BENCHMARKS = "io.relaychat.benchmarks..";
    private static final String LOAD_GENERATOR = "io.relaychat.loadtest..";
    private static final String CLIENT = "io.relaychat.client..";
    private static final String RELAYCHAT = "io.relaychat..";
    private static final String JMH = "org.openjdk.jmh..";
    private static final String JMH_BENCHMARK = "org.openjdk.jmh.annotations.Benchmark";

    @ArchTest
    static final ArchRule ports_should_depend_on_nothing_but_the_jdk = classes()
            .that().resideInAPackage(PORTS)
            .should().onlyDependOnClassesThat().resideInAnyPackage(PORTS, "java..")
            .because("the ports are the contract every adapter and embedder compiles against");

    @ArchTest
    static final ArchRule domain_should_depend_on_nothing_but_the_ports_and_the_jdk = classes()
            .that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage(DOMAIN, PORTS, "java..")
            .because("the rules must run the same whatever transport, store or bus is plugged in");

    @ArchTest
    static final ArchRule core_should_not_use_frameworks = noClasses()
            .that().resideInAnyPackage(PORTS, DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage(
                    "io.netty..", "com.mongodb..", "org.bson..", "io.lettuce..", "com.fasterxml..", "org.slf4j..",
                    "com.auth0..", "org.mindrot..", "reactor..", "org.reactivestreams..", "org.sqlite..", "java.sql..",
                    "java.net.http..", "com.sun.net.httpserver..", JMH)
            .because("no framework, I/O library, logging backend or benchmark harness belongs in the core");

    @ArchTest
    static final ArchRule inbound_ports_should_not_depend_on_outbound_ports = noClasses()
            .that().resideInAPackage(INBOUND_PORTS)
            .should().dependOnClassesThat().resideInAPackage(OUTBOUND_PORTS);

    @ArchTest
    static final ArchRule outbound_ports_should_not_depend_on_inbound_ports = noClasses()
            .that().resideInAPackage(OUTBOUND_PORTS)
            .should().dependOnClassesThat().resideInAPackage(INBOUND_PORTS);

    @ArchTest
    static final ArchRule adapters_should_not_depend_on_the_domain = noClasses()
            .that().resideInAPackage(ADAPTERS)
            .should().dependOnClassesThat().resideInAPackage(DOMAIN)
            .because("adapters plug into the ports; only the server wires them to the domain");

    @ArchTest
    static final ArchRule adapters_should_not_depend_on_each_other = slices()
            .matching("io.relaychat.adapter.(*)..")
            .should().notDependOnEachOther();

    @ArchTest
    static final ArchRule only_the_server_and_the_benchmarks_should_depend_on_adapters = noClasses()
            .that().resideOutsideOfPackages(ADAPTERS, SERVER, BENCHMARKS)
            .should().dependOnClassesThat().resideInAPackage(ADAPTERS)
            .because("the server wires adapters into the core, and the benchmarks measure the Netty codec and build a"
                    + " core on the in-memory adapters; anything else would tie the core's users to one technology");

    @ArchTest
    static final ArchRule only_the_server_should_depend_on_the_logging_backend = noClasses()
            .that().resideOutsideOfPackage(SERVER)
            .should().dependOnClassesThat().resideInAPackage("ch.qos.logback..")
            .because("libraries log through slf4j-api only, so that whoever runs them chooses the backend; the"
                    + " server chooses Logback and configures it from the environment");

    @ArchTest
    static final ArchRule packages_should_be_free_of_cycles = slices()
            .matching("io.relaychat.(**)")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule benchmarks_should_reside_in_the_benchmarks_package = classes()
            .that().containAnyMethodsThat(are(annotatedWith(JMH_BENCHMARK)))
            .should().resideInAPackage(BENCHMARKS)
            .because("benchmarks measure the modules through their public entry points; one in a module's own"
                    + " package could reach its package-private parts and would pass for part of that module");

    @ArchTest
    static final ArchRule only_the_benchmarks_should_depend_on_jmh = noClasses()
            .that().resideOutsideOfPackage(BENCHMARKS)
            .should().dependOnClassesThat().resideInAPackage(JMH)
            .because("a class that uses JMH is part of a benchmark, and benchmarks live in " + BENCHMARKS);

    @ArchTest
    static final ArchRule nothing_outside_the_benchmarks_should_depend_on_them = noClasses()
            .that().resideOutsideOfPackage(BENCHMARKS)
            .should().dependOnClassesThat().resideInAPackage(BENCHMARKS)
            .because("benchmarks are run by hand and may change or go at any time");

    @ArchTest
    static final ArchRule the_load_generator_should_depend_on_no_other_relaychat_package = noClasses()
            .that().resideInAPackage(LOAD_GENERATOR)
            .should().dependOnClassesThat(resideInAPackage(RELAYCHAT).and(resideOutsideOfPackage(LOAD_GENERATOR)))
            .because("it speaks only the protocol, over HTTP and WebSocket, so that its figures hold for any server"
                    + " that speaks it, the bare-Netty ceiling included");

    @ArchTest
    static final ArchRule the_client_should_depend_on_nothing_but_the_jdk_and_jackson = classes()
            .that().resideInAPackage(CLIENT)
            .should().onlyDependOnClassesThat().resideInAnyPackage(CLIENT, "java..", "com.fasterxml.jackson..")
            .because("it is a wire client: it speaks the protocol over java.net.http, so it holds for any server that"
                    + " speaks it and brings the programs that embed it no server code, port or framework");

    @ArchTest
    static final ArchRule no_main_code_should_depend_on_the_client = noClasses()
            .that().resideOutsideOfPackage(CLIENT)
            .should().dependOnClassesThat().resideInAPackage(CLIENT)
            .because("the client is for other programs (and the server's own tests, which are not analysed here): a"
                    + " server or load generator built on it would test the client against itself");
}
