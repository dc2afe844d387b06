package io.robotid.geofence.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes zone and grant validation and then the decision: arbitrary zones, grants and checks are
 * either refused with named fields or decided, never an exception. A plain test run replays
 * {@code ZonePolicyFuzzTestInputs/}; see docs/testing.md, "Fuzzing".
 */
class ZonePolicyFuzzTest {
    private static final String[] TIME_ZONES = { "Europe/Berlin", "Asia/Shanghai", "UTC", "America/New_York" };

    @FuzzTest(maxDuration = "5m")
    void anyPolicyIsRefusedWithNamedFieldsOrDecided(FuzzedDataProvider data) {
        List<Zone> zones = new ArrayList<>();
        int zoneCount = data.consumeInt(1, 3);
        for (int i = 0; i < zoneCount; i++) {
            zones.add(zone(data));
        }
        List<Grant> grants = new ArrayList<>();
        int grantCount = data.consumeInt(0, 2);
        for (int i = 0; i < grantCount; i++) {
            grants.add(grant(data, zones.get(data.consumeInt(0, zones.size() - 1)).id()));
        }
        CheckRequest check = check(data);

        boolean zonesValid = true;
        for (Zone z : zones) {
            List<FieldViolation> found = Validation.zone(z);
            assertThat(found).allSatisfy(ZonePolicyFuzzTest::named);
            zonesValid &= found.isEmpty();
        }
        for (Grant g : grants) {
            assertThat(Validation.grant(g)).allSatisfy(ZonePolicyFuzzTest::named);
        }
        ZoneIndex index;
        try {
            index = ZoneIndex.build(7, zones, grants);
        } catch (ValidationException refused) {
            assertThat(refused.violations()).isNotEmpty().allSatisfy(ZonePolicyFuzzTest::named);
            return;
        }
        assertThat(zonesValid).as("the index took only zones that validate alone").isTrue();
        List<FieldViolation> checkProblems = Validation.check(check);
        assertThat(checkProblems).allSatisfy(ZonePolicyFuzzTest::named);
        if (checkProblems.isEmpty()) {
            Decision d = new GeofenceEngine().decide(index, check);
            assertThat(d.verdict()).isNotNull();
            if (d.verdict() == Verdict.DENY) {
                assertThat(d.reasons()).as("a denial says why").isNotEmpty();
            }
            if (d.verdict() == Verdict.ALLOW_WITH_CONDITIONS) {
                assertThat(d.speedLimitMps()).isPresent();
            }
            assertThat(d.matchedZoneIds()).allSatisfy(id -> assertThat(index.zone(id)).isNotNull());
        }
    }

    private static void named(FieldViolation f) {
        assertThat(f.field()).isNotBlank();
        assertThat(f.description()).isNotBlank();
    }

    private static Zone zone(FuzzedDataProvider data) {
        ZoneKind kind = data.consumeBoolean() ? null : ZoneKind.values()[data.consumeInt(0, ZoneKind.values().length - 1)];
        ZoneGeometry geometry;
        if (data.consumeBoolean()) {
            geometry = new ZoneGeometry.Indoor(text(data, 12), data.consumeBoolean() ? null : text(data, 4),
                    data.consumeBoolean() ? null : text(data, 4));
        } else {
            double size = data.consumeRegularDouble(-0.1, 1);
            geometry = Fixtures.square(13.40 - size / 2, 52.52 - size / 2, Math.max(size, 0.0001));
        }
        ZoneConditions conditions = new ZoneConditions(
                data.consumeBoolean() ? null : data.consumeDouble(),
                tasks(data),
                tiers(data),
                data.consumeBoolean() ? null : IntelligenceLevel.values()[data.consumeInt(0, IntelligenceLevel.values().length - 1)],
                windows(data),
                data.consumeBoolean() ? null : ZoneId.of(TIME_ZONES[data.consumeInt(0, TIME_ZONES.length - 1)]));
        return new Zone(text(data, 40), text(data, 20), kind, geometry, data.consumeInt(), instant(data), instant(data),
                data.consumeBoolean(), data.consumeBoolean(), conditions);
    }

    private static Grant grant(FuzzedDataProvider data, String zoneId) {
        boolean toRobot = data.consumeBoolean();
        return new Grant(text(data, 40), data.consumeBoolean() ? zoneId : text(data, 10),
                toRobot || data.consumeBoolean() ? Fixtures.ROBOT_ID : null, toRobot ? null : Fixtures.OPERATOR,
                tasks(data), instant(data), instant(data));
    }

    private static CheckRequest check(FuzzedDataProvider data) {
        RobotProjection robot = Fixtures.robot().status(RobotStatus.values()[data.consumeInt(0, RobotStatus.values().length - 1)])
                .level(IntelligenceLevel.values()[data.consumeInt(0, IntelligenceLevel.values().length - 1)]).build();
        String task = data.consumeBoolean() ? "delivery" : data.consumeString(70);
        Instant at = Fixtures.NOW.plusSeconds(data.consumeLong(-90L * 86_400, 90L * 86_400));
        if (data.consumeBoolean()) {
            return new CheckRequest(robot, null, new IndoorLocation(data.consumeString(12), data.consumeString(4), data.consumeString(4)),
                    task, at);
        }
        return CheckRequest.outdoor(robot, 52.52 + data.consumeRegularDouble(-0.01, 0.01),
                13.40 + data.consumeRegularDouble(-0.01, 0.01), task, at);
    }

    private static Set<String> tasks(FuzzedDataProvider data) {
        Set<String> tasks = new HashSet<>();
        int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
            tasks.add(data.consumeBoolean() ? "delivery" : data.consumeString(70)); // proto strings are never null
        }
        return tasks;
    }

    private static Set<Tier> tiers(FuzzedDataProvider data) {
        Set<Tier> tiers = EnumSet.noneOf(Tier.class);
        int n = data.consumeInt(0, 3);
        for (int i = 0; i < n; i++) {
            tiers.add(Tier.values()[data.consumeInt(0, Tier.values().length - 1)]);
        }
        return tiers;
    }

    private static List<TimeWindow> windows(FuzzedDataProvider data) {
        List<TimeWindow> windows = new ArrayList<>();
        int n = data.consumeInt(0, 2);
        for (int i = 0; i < n; i++) {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            int d = data.consumeInt(0, 7);
            for (int k = 0; k < d; k++) {
                days.add(DayOfWeek.of(data.consumeInt(1, 7)));
            }
            windows.add(new TimeWindow(days, data.consumeBoolean() ? null : LocalTime.ofSecondOfDay(data.consumeInt(0, 86_399)),
                    data.consumeBoolean() ? null : LocalTime.ofSecondOfDay(data.consumeInt(0, 86_399))));
        }
        return windows;
    }

    private static Instant instant(FuzzedDataProvider data) {
        return data.consumeBoolean() ? null : Fixtures.NOW.plusSeconds(data.consumeLong(-365L * 86_400, 365L * 86_400));
    }

    private static String text(FuzzedDataProvider data, int max) {
        return data.consumeBoolean() ? null : data.consumeString(max);
    }
}
