package io.robotid.lifecycle.domain;

/**
 * Telemetry limits past which a robot is due for maintenance.
 *
 * @param batteryHealthBelow battery state of health (%) below which maintenance is due
 * @param jointWearAbove     joint wear (%) above which maintenance is due
 */
public record MaintenanceThresholds(double batteryHealthBelow, double jointWearAbove) {
    public static final MaintenanceThresholds DEFAULT = new MaintenanceThresholds(70, 80);

    public boolean crossedBy(double batteryHealthPct, double jointWearPct) {
        return batteryHealthPct < batteryHealthBelow || jointWearPct > jointWearAbove;
    }
}
