package io.robotid.geofence.engine;

import static io.robotid.geofence.engine.Fixtures.NOW;
import static io.robotid.geofence.engine.Fixtures.OPERATOR;
import static io.robotid.geofence.engine.Fixtures.ROBOT_ID;
import static io.robotid.geofence.engine.Fixtures.operatorGrant;
import static io.robotid.geofence.engine.Fixtures.publicZone;
import static io.robotid.geofence.engine.Fixtures.robot;
import static io.robotid.geofence.engine.Fixtures.robotGrant;
import static io.robotid.geofence.engine.Fixtures.withValidity;
import static io.robotid.geofence.engine.Fixtures.zone;
import static io.robotid.geofence.engine.Reason.*;
import static io.robotid.geofence.engine.Verdict.ALLOW;
import static io.robotid.geofence.engine.Verdict.ALLOW_WITH_CONDITIONS;
import static io.robotid.geofence.engine.Verdict.DENY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision table: every reason alone, and in combination. */
class DecisionTableTest {

    record Row(String name, RobotProjection robot, List<Zone> zones, List<Grant> grants, String task, Verdict verdict,
            Set<Reason> reasons) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Row row(String name, Fixtures.RobotBuilder robot, List<Zone> zones, List<Grant> grants, String task,
            Verdict verdict, Reason... reasons) {
        return new Row(name, robot.build(), zones, grants, task, verdict,
                reasons.length == 0 ? Set.of() : EnumSet.of(reasons[0], reasons));
    }

    private static Row row(String name, Fixtures.RobotBuilder robot, List<Zone> zones, Verdict verdict, Reason... reasons) {
        return row(name, robot, zones, List.of(), "delivery", verdict, reasons);
    }

    private static final ZoneConditions SLOW = ZoneConditions.NONE.withMaxSpeed(1.5);
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** NOW is Monday 12:00 in Berlin. */
    private static final ZoneConditions MORNINGS = ZoneConditions.NONE.withWindows(BERLIN,
            List.of(TimeWindow.everyDay(LocalTime.of(6, 0), LocalTime.of(11, 0))));
    private static final ZoneConditions WEEKDAY_DAYTIME = ZoneConditions.NONE.withWindows(BERLIN,
            List.of(new TimeWindow(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(8, 0), LocalTime.of(18, 0))));

    static Stream<Row> rows() {
        Fixtures.RobotBuilder unknown = robot();
        unknown.known = false;
        Fixtures.RobotBuilder unknownAgain = robot();
        unknownAgain.known = false;
        return Stream.of(
                // the robot alone
                row("no zone, certified robot", robot(), List.of(), ALLOW),
                row("unknown robot", unknown, List.of(), DENY, ROBOT_UNKNOWN),
                row("unknown robot in a prohibited zone", unknownAgain, List.of(zone("p", ZoneKind.PROHIBITED)), DENY,
                        ROBOT_UNKNOWN, PROHIBITED_ZONE),
                row("OUT_OF_SERVICE", robot().status(RobotStatus.OUT_OF_SERVICE), List.of(), DENY, NOT_IN_SERVICE),
                row("IN_STOCK", robot().status(RobotStatus.IN_STOCK), List.of(), DENY, NOT_IN_SERVICE),
                row("REGISTERED", robot().status(RobotStatus.REGISTERED), List.of(), DENY, NOT_IN_SERVICE),
                row("DECOMMISSIONED", robot().status(RobotStatus.DECOMMISSIONED), List.of(), DENY, NOT_IN_SERVICE),
                row("SCRAPPED", robot().status(RobotStatus.SCRAPPED), List.of(), DENY, NOT_IN_SERVICE),
                row("status unknown", robot().status(null), List.of(), DENY, NOT_IN_SERVICE),
                row("status SUSPENDED", robot().status(RobotStatus.SUSPENDED), List.of(), DENY, SUSPENDED),
                row("IN_SERVICE but suspended", robot().suspended(), List.of(), DENY, SUSPENDED),
                row("OUT_OF_SERVICE and suspended", robot().status(RobotStatus.OUT_OF_SERVICE).suspended(), List.of(), DENY,
                        NOT_IN_SERVICE, SUSPENDED),
                row("open STOP_USE recall", robot().recalls(1), List.of(), DENY, STOP_USE_RECALL_OPEN),
                row("open STOP_USE recall in a conditional zone", robot().recalls(2),
                        List.of(zone("c", ZoneKind.CONDITIONAL, SLOW)), DENY, STOP_USE_RECALL_OPEN),
                row("no BASE_SAFETY, no zone", robot().without(Tier.BASE_SAFETY), List.of(), DENY, MISSING_CERTIFICATION),
                row("BASE_SAFETY expired", robot().cert(new CertifiedTier(Tier.BASE_SAFETY, null, null, NOW, false)),
                        List.of(), DENY, MISSING_CERTIFICATION),
                row("BASE_SAFETY not yet valid",
                        robot().cert(new CertifiedTier(Tier.BASE_SAFETY, null, NOW.plusSeconds(1), null, false)), List.of(),
                        DENY, MISSING_CERTIFICATION),
                row("BASE_SAFETY valid from now", robot().cert(new CertifiedTier(Tier.BASE_SAFETY, null, NOW, null, false)),
                        List.of(), ALLOW),
                row("no certificate at all", robot().tiers(), List.of(), DENY, MISSING_CERTIFICATION),
                row("only BASE_SAFETY, no zone", robot().tiers(Tier.BASE_SAFETY), List.of(), ALLOW),
                row("certificate speed limit", robot().cert(CertifiedTier.of(Tier.MOBILITY, OperatingConditions.speed(2.0))),
                        List.of(), ALLOW_WITH_CONDITIONS),
                row("certificate task list excludes the task",
                        robot().cert(CertifiedTier.of(Tier.TASK_SPECIFIC,
                                new OperatingConditions(null, null, null, null, Set.of("cleaning")))),
                        List.of(), DENY, TASK_NOT_ALLOWED),
                row("certificate task list includes the task (any case)",
                        robot().cert(CertifiedTier.of(Tier.TASK_SPECIFIC,
                                new OperatingConditions(null, null, null, null, Set.of("DELIVERY")))),
                        List.of(), ALLOW),
                row("certificates with no task in common",
                        robot().cert(new CertifiedTier(Tier.TASK_SPECIFIC, null, null, null, true)), List.of(), DENY,
                        TASK_NOT_ALLOWED),
                row("indoor-only certificate outdoors",
                        robot().cert(CertifiedTier.of(Tier.MOBILITY,
                                new OperatingConditions(null, null, Environment.INDOOR_ONLY, true, Set.of()))),
                        List.of(), DENY, MISSING_CERTIFICATION),
                row("PHYSICAL_INTERACTION task without the tier", robot().without(Tier.PHYSICAL_INTERACTION), List.of(),
                        List.of(), "physical_interaction", DENY, MISSING_CERTIFICATION),
                row("physical_interaction.* task without the tier", robot().without(Tier.PHYSICAL_INTERACTION), List.of(),
                        List.of(), "physical_interaction.hug", DENY, MISSING_CERTIFICATION),
                row("PHYSICAL_INTERACTION task with the tier", robot(), List.of(), List.of(), "physical_interaction.hug",
                        ALLOW),
                row("a task merely named like it is not one", robot().without(Tier.PHYSICAL_INTERACTION), List.of(),
                        List.of(), "physical_interactionx", ALLOW),

                // zone kinds
                row("PROHIBITED zone", robot(), List.of(zone("p", ZoneKind.PROHIBITED)), DENY, PROHIBITED_ZONE),
                row("RESTRICTED zone without grant", robot(), List.of(zone("r", ZoneKind.RESTRICTED)), DENY, NO_GRANT),
                row("RESTRICTED zone, grant to the robot", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(robotGrant("r", "delivery")), "delivery", ALLOW),
                row("RESTRICTED zone, grant to its operator", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(operatorGrant("r", OPERATOR, "delivery")), "delivery", ALLOW),
                row("RESTRICTED zone, grant for any task", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(robotGrant("r")), "inspection", ALLOW),
                row("RESTRICTED zone, grant to another operator", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(operatorGrant("r", "op-2", "delivery")), "delivery", DENY, NO_GRANT),
                row("RESTRICTED zone, grant to another robot", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(new Grant("g", "r", "R-9999", null, Set.of(), null, null)), "delivery", DENY, NO_GRANT),
                row("RESTRICTED zone, grant for another task", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(robotGrant("r", "cleaning")), "delivery", DENY, NO_GRANT),
                row("RESTRICTED zone, grant expired", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(new Grant("g", "r", ROBOT_ID, null, Set.of(), NOW.minusSeconds(60), NOW)), "delivery", DENY,
                        NO_GRANT),
                row("RESTRICTED zone, grant not yet valid", robot(), List.of(zone("r", ZoneKind.RESTRICTED)),
                        List.of(new Grant("g", "r", ROBOT_ID, null, Set.of(), NOW.plusSeconds(1), null)), "delivery", DENY,
                        NO_GRANT),
                row("RESTRICTED zone, grant of another zone", robot(),
                        List.of(zone("r", ZoneKind.RESTRICTED)), List.of(robotGrant("other")), "delivery", DENY, NO_GRANT),
                row("RESTRICTED zone with a speed limit and a grant", robot(), List.of(zone("r", ZoneKind.RESTRICTED, SLOW)),
                        List.of(robotGrant("r")), "delivery", ALLOW_WITH_CONDITIONS),
                row("CONDITIONAL zone without conditions", robot(), List.of(zone("c", ZoneKind.CONDITIONAL)), ALLOW),
                row("CONDITIONAL zone with a speed limit", robot(), List.of(zone("c", ZoneKind.CONDITIONAL, SLOW)),
                        ALLOW_WITH_CONDITIONS),
                row("CONDITIONAL zone, task not allowed", robot(),
                        List.of(zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withTasks(Set.of("cleaning")))), DENY,
                        TASK_NOT_ALLOWED),
                row("CONDITIONAL zone, task allowed", robot(),
                        List.of(zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withTasks(Set.of("delivery", "cleaning")))),
                        ALLOW),
                row("CONDITIONAL zone, required tier missing", robot().without(Tier.MANIPULATION),
                        List.of(zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withRequiredTiers(Set.of(Tier.MANIPULATION)))),
                        DENY, MISSING_CERTIFICATION),
                row("CONDITIONAL zone, required tier present", robot(),
                        List.of(zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withRequiredTiers(Set.of(Tier.MANIPULATION)))),
                        ALLOW),
                row("CONDITIONAL zone, level too high", robot().level(IntelligenceLevel.L3),
                        List.of(zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withHighestLevel(IntelligenceLevel.L2))),
                        DENY, INTELLIGENCE_LEVEL_TOO_HIGH),
                row("CONDITIONAL zone, level at the limit", robot().level(IntelligenceLevel.L2),
                        List.of(zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withHighestLevel(IntelligenceLevel.L2))),
                        ALLOW),
                row("CONDITIONAL zone, level unknown", robot().level(null),
                        List.of(zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withHighestLevel(IntelligenceLevel.L4))),
                        DENY, INTELLIGENCE_LEVEL_TOO_HIGH),
                row("CONDITIONAL zone, outside its time window", robot(), List.of(zone("c", ZoneKind.CONDITIONAL, MORNINGS)),
                        DENY, OUTSIDE_TIME_WINDOW),
                row("CONDITIONAL zone, inside its time window", robot(),
                        List.of(zone("c", ZoneKind.CONDITIONAL, WEEKDAY_DAYTIME)), ALLOW),
                row("zone not valid yet is ignored", robot(),
                        List.of(withValidity(zone("p", ZoneKind.PROHIBITED), NOW.plusSeconds(1), null)), ALLOW),
                row("zone expired is ignored", robot(),
                        List.of(withValidity(zone("p", ZoneKind.PROHIBITED), null, NOW)), ALLOW),
                row("zone valid from now applies", robot(),
                        List.of(withValidity(zone("p", ZoneKind.PROHIBITED), NOW, NOW.plusSeconds(1))), DENY, PROHIBITED_ZONE),

                // DESIGN.md section 6: public space
                row("public space, fully certified L2", robot().without(Tier.DATA_SECURITY), List.of(publicZone("ps")), ALLOW),
                row("public space without PUBLIC_SPACE", robot().without(Tier.PUBLIC_SPACE), List.of(publicZone("ps")), DENY,
                        MISSING_CERTIFICATION),
                row("public space without MOBILITY", robot().without(Tier.MOBILITY), List.of(publicZone("ps")), DENY,
                        MISSING_CERTIFICATION),
                row("public space, L3 without DATA_SECURITY",
                        robot().level(IntelligenceLevel.L3).without(Tier.DATA_SECURITY), List.of(publicZone("ps")), DENY,
                        MISSING_CERTIFICATION),
                row("public space, L4 without DATA_SECURITY",
                        robot().level(IntelligenceLevel.L4).without(Tier.DATA_SECURITY), List.of(publicZone("ps")), DENY,
                        MISSING_CERTIFICATION),
                row("public space, unknown level without DATA_SECURITY",
                        robot().level(null).without(Tier.DATA_SECURITY), List.of(publicZone("ps")), DENY,
                        MISSING_CERTIFICATION),
                row("public space, L3 with DATA_SECURITY", robot().level(IntelligenceLevel.L3), List.of(publicZone("ps")),
                        ALLOW),
                row("not a public space, L3 without PUBLIC_SPACE, MOBILITY, DATA_SECURITY",
                        robot().level(IntelligenceLevel.L3).tiers(Tier.BASE_SAFETY), List.of(zone("c", ZoneKind.CONDITIONAL)),
                        ALLOW),
                row("public space, certificate without people nearby",
                        robot().cert(CertifiedTier.of(Tier.MOBILITY,
                                new OperatingConditions(null, null, Environment.INDOOR_AND_OUTDOOR, false, Set.of()))),
                        List.of(publicZone("ps")), DENY, MISSING_CERTIFICATION),

                // combinations: every reason that applies, not just the first
                row("prohibited and conditional overlap", robot(),
                        List.of(zone("p", ZoneKind.PROHIBITED), zone("c", ZoneKind.CONDITIONAL, SLOW)), DENY, PROHIBITED_ZONE),
                row("restricted without grant and conditional outside window", robot(),
                        List.of(zone("r", ZoneKind.RESTRICTED), zone("c", ZoneKind.CONDITIONAL, MORNINGS)), DENY, NO_GRANT,
                        OUTSIDE_TIME_WINDOW),
                row("suspended, recalled, no BASE_SAFETY, in a prohibited zone",
                        robot().suspended().recalls(1).without(Tier.BASE_SAFETY), List.of(zone("p", ZoneKind.PROHIBITED)), DENY,
                        SUSPENDED, STOP_USE_RECALL_OPEN, MISSING_CERTIFICATION, PROHIBITED_ZONE),
                row("every zone reason at once", robot().level(IntelligenceLevel.L4).without(Tier.MANIPULATION),
                        List.of(zone("p", ZoneKind.PROHIBITED), zone("r", ZoneKind.RESTRICTED),
                                zone("c", ZoneKind.CONDITIONAL, MORNINGS.withTasks(Set.of("cleaning"))
                                        .withRequiredTiers(Set.of(Tier.MANIPULATION)).withHighestLevel(IntelligenceLevel.L1))),
                        DENY, PROHIBITED_ZONE, NO_GRANT, MISSING_CERTIFICATION, TASK_NOT_ALLOWED, OUTSIDE_TIME_WINDOW,
                        INTELLIGENCE_LEVEL_TOO_HIGH),
                row("every reason of a known robot at once",
                        robot().status(RobotStatus.OUT_OF_SERVICE).suspended().recalls(1).level(IntelligenceLevel.L4)
                                .tiers(Tier.MOBILITY),
                        List.of(zone("p", ZoneKind.PROHIBITED), zone("r", ZoneKind.RESTRICTED),
                                zone("c", ZoneKind.CONDITIONAL, MORNINGS.withTasks(Set.of("cleaning"))
                                        .withHighestLevel(IntelligenceLevel.L1))),
                        DENY, NOT_IN_SERVICE, SUSPENDED, STOP_USE_RECALL_OPEN, PROHIBITED_ZONE, NO_GRANT, MISSING_CERTIFICATION,
                        TASK_NOT_ALLOWED, OUTSIDE_TIME_WINDOW, INTELLIGENCE_LEVEL_TOO_HIGH),
                row("public space requirements and zone conditions together",
                        robot().level(IntelligenceLevel.L3).tiers(Tier.BASE_SAFETY),
                        List.of(publicZone("ps"), zone("c", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withTasks(Set.of("x")))),
                        DENY, MISSING_CERTIFICATION, TASK_NOT_ALLOWED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision d = Fixtures.decide(row.robot(), row.zones(), row.grants(), row.task());
        assertThat(d.reasons()).as("reasons; details %s", d.details()).containsExactlyInAnyOrderElementsOf(row.reasons());
        assertThat(d.verdict()).isEqualTo(row.verdict());
        assertThat(d.policyVersion()).isEqualTo(1);
        assertThat(d.cacheFor()).isBetween(Duration.ZERO, GeofenceEngine.DEFAULT_MAX_CACHE_FOR);
        // every reason is explained at least once, and only reasons are
        for (Reason r : row.reasons()) {
            assertThat(d.details()).anySatisfy(line -> assertThat(line).startsWith(r + ": "));
        }
        assertThat(d.details()).allSatisfy(line -> assertThat(row.reasons().stream().anyMatch(r -> line.startsWith(r + ": ")))
                .isTrue());
        if (row.verdict() == ALLOW_WITH_CONDITIONS) {
            assertThat(d.speedLimitMps()).isPresent();
        }
        if (row.verdict() == ALLOW) {
            assertThat(d.speedLimitMps()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theSameDecisionIndoors(Row row) {
        // the robot-level rules do not depend on where the robot is (indoor zones are tested elsewhere)
        if (!row.zones().isEmpty() || row.name().contains("indoor-only")) {
            return;
        }
        Decision d = new GeofenceEngine().decide(Fixtures.index(List.of(), List.of()), CheckRequest.indoor(row.robot(),
                new IndoorLocation("mall", "1", "A"), row.task(), NOW));
        assertThat(d.reasons()).containsExactlyInAnyOrderElementsOf(row.reasons());
        assertThat(d.verdict()).isEqualTo(row.verdict());
    }
}
