package io.robotid.lifecycle;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** lifecycle-service's own settings ({@code robotid.lifecycle.*}); docs/conventions.md, "Configuration". */
@ConfigMapping(prefix = "robotid.lifecycle")
public interface LifecycleConfig {
    /** How long a question to identity-service (was this ID issued?) may take. */
    @WithDefault("3s")
    Duration identityDeadline();

    /** How long a question to filing-service (the recalled model) may take. */
    @WithDefault("3s")
    Duration filingDeadline();

    /** Telemetry that marks a robot due for maintenance. */
    Maintenance maintenance();

    interface Maintenance {
        /** A TELEMETRY_SUMMARY battery health below this (percent) marks the robot due. */
        @WithDefault("70")
        double batteryHealthBelow();

        /** A TELEMETRY_SUMMARY joint wear above this (percent) marks the robot due. */
        @WithDefault("80")
        double jointWearAbove();
    }
}
