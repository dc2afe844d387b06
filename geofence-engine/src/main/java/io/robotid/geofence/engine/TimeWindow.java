package io.robotid.geofence.engine;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * Local wall-clock hours on some days of the week, in the zone's time zone: {@code start} inclusive,
 * {@code end} exclusive, {@code end} after {@code start} (a window over midnight is two windows).
 */
public record TimeWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

    public TimeWindow {
        days = days == null || days.isEmpty() ? Set.of() : java.util.Collections.unmodifiableSet(EnumSet.copyOf(days));
    }

    public static TimeWindow everyDay(LocalTime start, LocalTime end) {
        return new TimeWindow(EnumSet.allOf(DayOfWeek.class), start, end);
    }

    public boolean contains(DayOfWeek day, LocalTime time) {
        return days.contains(day) && !time.isBefore(start) && time.isBefore(end);
    }
}
