package io.robotid.geofence.engine;

import static io.robotid.geofence.engine.Fixtures.robot;
import static io.robotid.geofence.engine.Fixtures.zone;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Time windows in the zone's time zone, across the Europe/Berlin daylight-saving changes of 2025. */
class TimeWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Decision at(List<TimeWindow> windows, Instant at, Duration maxCache) {
        Zone z = zone("w", ZoneKind.CONDITIONAL, ZoneConditions.NONE.withWindows(BERLIN, windows));
        return new GeofenceEngine(maxCache).decide(Fixtures.index(List.of(z), List.of()),
                CheckRequest.outdoor(robot().build(), Fixtures.LAT, Fixtures.LON, "delivery", at));
    }

    private static boolean inside(LocalTime start, LocalTime end, String instant) {
        Decision d = at(List.of(TimeWindow.everyDay(start, end)), Instant.parse(instant), Duration.ofSeconds(60));
        return !d.reasons().contains(Reason.OUTSIDE_TIME_WINDOW);
    }

    @ParameterizedTest(name = "02:00-03:00 at {0} ({2}) -> {1}")
    @CsvSource({
            // spring forward, Sunday 2025-03-30: 02:00 CET becomes 03:00 CEST; local 02:xx never happens
            "2025-03-29T01:30:00Z, true, Saturday 02:30 CET",
            "2025-03-30T00:59:59Z, false, 01:59:59 CET",
            "2025-03-30T01:00:00Z, false, 03:00 CEST (the hour was skipped)",
            "2025-03-31T00:30:00Z, true, Monday 02:30 CEST",
            // fall back, Sunday 2025-10-26: 03:00 CEST becomes 02:00 CET; local 02:xx happens twice
            "2025-10-25T23:59:59Z, false, 01:59:59 CEST",
            "2025-10-26T00:00:00Z, true, 02:00 CEST (first time)",
            "2025-10-26T00:30:00Z, true, 02:30 CEST (first time)",
            "2025-10-26T01:30:00Z, true, 02:30 CET (second time)",
            "2025-10-26T01:59:59Z, true, 02:59:59 CET",
            "2025-10-26T02:00:00Z, false, 03:00 CET" })
    void theHourThatChanges(String instant, boolean expected, String local) {
        assertThat(inside(LocalTime.of(2, 0), LocalTime.of(3, 0), instant)).as(local).isEqualTo(expected);
    }

    @ParameterizedTest(name = "08:00-17:00 at {0} ({2}) -> {1}")
    @CsvSource({
            "2025-03-29T06:59:00Z, false, Saturday 07:59 CET",
            "2025-03-29T07:00:00Z, true, Saturday 08:00 CET",
            "2025-03-30T05:59:00Z, false, Sunday 07:59 CEST",
            "2025-03-30T06:00:00Z, true, Sunday 08:00 CEST (UTC hour moved)",
            "2025-03-30T14:59:59Z, true, Sunday 16:59:59 CEST",
            "2025-03-30T15:00:00Z, false, Sunday 17:00 CEST",
            "2025-10-25T14:59:59Z, true, Saturday 16:59:59 CEST",
            "2025-10-25T15:00:00Z, false, Saturday 17:00 CEST",
            "2025-10-26T15:59:59Z, true, Sunday 16:59:59 CET",
            "2025-10-26T16:00:00Z, false, Sunday 17:00 CET",
            "2025-10-26T06:59:59Z, false, Sunday 07:59:59 CET" })
    void wallClockHoursAcrossTheChange(String instant, boolean expected, String local) {
        assertThat(inside(LocalTime.of(8, 0), LocalTime.of(17, 0), instant)).as(local).isEqualTo(expected);
    }

    @Test
    void theDayOfWeekIsTheLocalOne() {
        List<TimeWindow> mondayNight = List.of(new TimeWindow(EnumSet.of(DayOfWeek.MONDAY), LocalTime.MIDNIGHT, LocalTime.of(1, 0)));
        // Sunday 22:30 UTC is Monday 00:30 in Berlin
        assertThat(at(mondayNight, Instant.parse("2025-06-01T22:30:00Z"), Duration.ofSeconds(60)).reasons()).isEmpty();
        assertThat(at(mondayNight, Instant.parse("2025-06-02T00:30:00Z"), Duration.ofSeconds(60)).reasons())
                .containsExactly(Reason.OUTSIDE_TIME_WINDOW);
    }

    @Test
    void severalWindowsAreAnyOf() {
        List<TimeWindow> split = List.of(TimeWindow.everyDay(LocalTime.of(6, 0), LocalTime.of(9, 0)),
                TimeWindow.everyDay(LocalTime.of(18, 0), LocalTime.of(22, 0)));
        assertThat(at(split, Instant.parse("2025-06-02T05:00:00Z"), Duration.ofSeconds(60)).reasons()).isEmpty(); // 07:00
        assertThat(at(split, Instant.parse("2025-06-02T10:00:00Z"), Duration.ofSeconds(60)).reasons()).isNotEmpty(); // 12:00
        assertThat(at(split, Instant.parse("2025-06-02T17:00:00Z"), Duration.ofSeconds(60)).reasons()).isEmpty(); // 19:00
    }

    @Test
    void cacheForStopsAtTheNextWindowChangeAcrossSpringForward() {
        // 01:30 CET; the window 02:00-03:00 of that day starts and ends at 03:00 CEST = 01:00Z
        Decision d = at(List.of(TimeWindow.everyDay(LocalTime.of(2, 0), LocalTime.of(3, 0))),
                Instant.parse("2025-03-30T00:30:00Z"), Duration.ofDays(2));
        assertThat(d.reasons()).containsExactly(Reason.OUTSIDE_TIME_WINDOW);
        assertThat(d.cacheFor()).isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void cacheForTakesTheEarlierOfTheTwoInstantsOfAnAmbiguousLocalTime() {
        // 02:30 CEST, inside; local 02:00 happens again at 01:00Z (conservative), the window ends at 03:00 CET = 02:00Z
        Decision d = at(List.of(TimeWindow.everyDay(LocalTime.of(2, 0), LocalTime.of(3, 0))),
                Instant.parse("2025-10-26T00:30:00Z"), Duration.ofDays(2));
        assertThat(d.reasons()).isEmpty();
        assertThat(d.cacheFor()).isEqualTo(Duration.ofMinutes(30));
        Decision later = at(List.of(TimeWindow.everyDay(LocalTime.of(2, 0), LocalTime.of(3, 0))),
                Instant.parse("2025-10-26T01:15:00Z"), Duration.ofDays(2));
        assertThat(later.reasons()).isEmpty();
        assertThat(later.cacheFor()).isEqualTo(Duration.ofMinutes(45));
    }

    @Test
    void cacheForReachesTheNextWeekWhenNeeded() {
        // Monday 12:00 CEST, a Sunday-only window 10:00-11:00: the next change is Sunday 10:00 CEST
        Decision d = at(List.of(new TimeWindow(EnumSet.of(DayOfWeek.SUNDAY), LocalTime.of(10, 0), LocalTime.of(11, 0))),
                Fixtures.NOW, Duration.ofDays(30));
        assertThat(d.cacheFor()).isEqualTo(Duration.ofDays(6).minusHours(2));
    }
}
