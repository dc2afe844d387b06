package io.robotid.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layering every service keeps, as a test (docs/conventions.md, "Layout of a service"): proto at the edge, SQL in
 * repositories, no service reaching into another's code. A service's {@code LayeringTest} calls
 * {@link #check(String)} with its base package; a violation fails with the classes and the
 * dependencies that break the rule.
 *
 * <ul>
 * <li>no gRPC wire message ({@code io.robotid.proto..*Request} / {@code *Response}) below {@code grpc/}:
 * {@code domain/}, {@code service/} and {@code repository/} speak the domain's types (proto enums and
 * the messages that sealed evidence is defined by may stay);</li>
 * <li>{@code grpc/} never reaches {@code repository/}: adapters call services;</li>
 * <li>no service imports another service's code: they meet only through {@code proto}, {@code evidence}
 * and {@code service-kit};</li>
 * <li>SQL only in {@code repository/}: nothing else runs a statement through the reactive SQL client or a
 * native query through Hibernate.</li>
 * </ul>
 */
public final class Layering {
    /** The services' base packages. */
    public static final Set<String> SERVICES = Set.of("io.robotid.filing", "io.robotid.identity",
            "io.robotid.lifecycle", "io.robotid.certification", "io.robotid.geofence");

    private Layering() {
    }

    /** The main classes of the service whose base package is {@code base}. */
    public static JavaClasses classes(String base) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(base);
    }

    /** Every rule over the service's main classes; fails with every violation found. */
    public static void check(String base) {
        check(base, Set.of());
    }

    /**
     * Every rule, except that the classes named in {@code stillUsingWireTypes} (debt being paid off,
     * listed in the service's test) may still use wire messages below {@code grpc/}. The list only
     * shrinks: a listed class that no longer uses them fails the check until it is taken off.
     */
    public static void check(String base, Set<String> stillUsingWireTypes) {
        check(classes(base), base, SERVICES, stillUsingWireTypes);
    }

    /** The rules over {@code classes} of the service {@code base}, among {@code services} (their base packages). */
    public static void check(JavaClasses classes, String base, Set<String> services, Set<String> stillUsingWireTypes) {
        if (classes.isEmpty()) {
            throw new AssertionError("no main classes found under " + base);
        }
        List<String> failures = new ArrayList<>();
        for (String listed : stillUsingWireTypes) {
            boolean uses = classes.contain(listed) && classes.get(listed).getDirectDependenciesFromSelf().stream()
                    .anyMatch(d -> WIRE_MESSAGE.test(d.getTargetClass()));
            if (!uses) {
                failures.add(listed + " no longer uses wire messages below grpc/ (or is gone): take it off the list");
            }
        }
        for (ArchRule rule : rules(base, services, stillUsingWireTypes)) {
            try {
                rule.check(classes);
            } catch (AssertionError e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("\n\n", failures));
        }
    }

    /** The rules, for one service. */
    public static List<ArchRule> rules(String base, Set<String> services, Set<String> stillUsingWireTypes) {
        List<String> others = services.stream().filter(s -> !s.equals(base)).map(s -> s + "..").toList();
        DescribedPredicate<JavaClass> listed = DescribedPredicate.describe("listed as still using them",
                c -> stillUsingWireTypes.contains(c.getName().split("\\$")[0]));
        return List.of(
                noClasses().that().resideInAnyPackage(base + ".domain..", base + ".service..", base + ".repository..")
                        .and(DescribedPredicate.not(listed))
                        .should().dependOnClassesThat(WIRE_MESSAGE)
                        .because("proto request and response types stay in grpc/ (and client/, which calls peers)"),
                noClasses().that().resideInAPackage(base + ".grpc..")
                        .should().dependOnClassesThat().resideInAPackage(base + ".repository..")
                        .because("gRPC adapters call domain services, which hold the transactions"),
                noClasses().that().resideInAPackage(base + "..")
                        .should().dependOnClassesThat().resideInAnyPackage(others.toArray(String[]::new))
                        .because("services meet only through proto, evidence and service-kit"),
                noClasses().that().resideInAPackage(base + "..").and().resideOutsideOfPackage(base + ".repository..")
                        .should().callMethodWhere(RUNS_SQL)
                        .because("SQL lives in repository/"));
    }

    /**
     * A gRPC request or response message (or its builder) of the registry's protos. A feed's messages
     * ({@code Watch*ChangesRequest} / {@code Watch*ChangesResponse}) are not: they are the feed's protocol,
     * which the kit's FeedFollower speaks, and its entries are sealed records (EVIDENCE.md) whose bytes the
     * followers' domain checks and applies.
     */
    static final DescribedPredicate<JavaClass> WIRE_MESSAGE = DescribedPredicate.describe("gRPC request / response messages",
            c -> c.getName().matches("io\\.robotid\\.proto\\..*\\.[A-Za-z0-9]+(Request|Response)(\\$.*)?")
                    && !c.getName().matches("io\\.robotid\\.proto\\..*\\.Watch[A-Za-z]*Changes(Request|Response)(\\$.*)?"));

    /** A call that runs a SQL statement: the reactive SQL client, or a native query through Hibernate. */
    static final DescribedPredicate<JavaCall<?>> RUNS_SQL = DescribedPredicate.describe("a SQL statement runs",
            call -> {
                String owner = call.getTargetOwner().getName();
                String name = call.getName();
                boolean sqlClient = (owner.startsWith("io.vertx.sqlclient.") || owner.startsWith("io.vertx.mutiny.sqlclient.")
                        || owner.startsWith("io.vertx.pgclient.") || owner.startsWith("io.vertx.mutiny.pgclient."))
                        && (name.equals("query") || name.equals("preparedQuery"));
                boolean hibernateNative = owner.startsWith("org.hibernate.reactive.")
                        && (name.equals("createNativeQuery") || name.equals("createNativeMutationQuery"));
                return sqlClient || hibernateNative;
            });
}
