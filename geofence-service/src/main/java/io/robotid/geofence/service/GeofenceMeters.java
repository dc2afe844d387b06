package io.robotid.geofence.service;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.robotid.geofence.engine.Verdict;

/**
 * geofence-service's own meters: {@code robotid_permission_checks_seconds{verdict}} (a histogram of
 * answered checks, from the request to the signed receipt), {@code robotid_projection_robots},
 * {@code robotid_denials_waiting}, {@code robotid_denials_written_total} and
 * {@code robotid_denials_dropped_total}. Labels are bounded: the three verdicts only.
 */
@Startup // every meter shows from the first scrape
@Singleton
public class GeofenceMeters {
    private final Map<Verdict, Timer> checks = new EnumMap<>(Verdict.class);

    public GeofenceMeters(MeterRegistry meters, DenialLog denials, Projections projections) {
        for (Verdict v : Verdict.values()) {
            checks.put(v, Timer.builder("robotid.permission.checks").tag("verdict", v.name())
                    .description("Permission checks answered, from the request to the signed receipt")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(2)).register(meters));
        }
        Gauge.builder("robotid.projection.robots", projections, Projections::size)
                .description("Robots in the in-memory projection the checks decide from").register(meters);
        Gauge.builder("robotid.denials.waiting", denials, DenialLog::waiting)
                .description("Denials queued for the audit log, not yet written").register(meters);
        FunctionCounter.builder("robotid.denials.written", denials, DenialLog::written)
                .description("Denials written to the audit log").register(meters);
        FunctionCounter.builder("robotid.denials.dropped", denials, DenialLog::dropped)
                .description("Denials dropped because the audit queue was full").register(meters);
    }

    /** One answered check and how long it took. */
    public void checked(Verdict verdict, long nanos) {
        checks.get(verdict).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
