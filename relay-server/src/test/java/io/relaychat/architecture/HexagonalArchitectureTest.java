package io.relaychat.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The dependency rules of the hexagon, checked on the compiled main classes of every module. The Maven
 * reactor already stops a module from using one it does not declare; these rules hold what it cannot
 * see: which packages may use which, and that the core stays free of frameworks.
 */
@AnalyzeClasses(packages = "io.relaychat", importOptions = ImportOption.DoNotIncludeTests.class)
class HexagonalArchitectureTest {
    private static final String PORTS = "io.relaychat.ports..";
    private static final String INBOUND_PORTS = "io.relaychat.ports.in..";
    private static final String OUTBOUND_PORTS = "io.relaychat.ports.out..";
    private static final String DOMAIN = "io.relaychat.domain..";
    private static final String ADAPTERS = "io.relaychat.adapter..";
    private static final String SERVER = "io.relaychat.server..";

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
                    "com.auth0..", "org.mindrot..", "reactor..", "org.reactivestreams..")
            .because("no framework, I/O library or logging backend belongs in the core");

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
    static final ArchRule only_the_server_should_depend_on_adapters = noClasses()
            .that().resideOutsideOfPackages(ADAPTERS, SERVER)
            .should().dependOnClassesThat().resideInAPackage(ADAPTERS);

    @ArchTest
    static final ArchRule packages_should_be_free_of_cycles = slices()
            .matching("io.relaychat.(**)")
            .should().beFreeOfCycles();
}
