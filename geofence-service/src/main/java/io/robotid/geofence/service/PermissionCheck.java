package io.robotid.geofence.service;

import com.google.protobuf.Timestamp;

import io.robotid.evidence.format.Receipts.Place;
import io.robotid.proto.geofence.v1.Denial;

/**
 * A permission check as the robot asked it, before anything in it is checked (the service checks it, in
 * the order the errors have always been reported in).
 *
 * <p>Hot path (CheckPermission, StreamChecks): the adapter makes one of these per check from the request's
 * fields, without copying the request; the receipt's {@link Place} is made here once instead of after the
 * decision. The denial record keeps the check as asked, byte for byte (EVIDENCE.md 8.7, the {@code check}
 * field of {@link Denial}): {@link #asked} starts a denial with it, and is only called for a DENY.
 *
 * @param robotId the robot id as given (not yet parsed)
 * @param place where: a position or an indoor place; null when the check names neither
 * @param taskCategory the task as asked
 * @param at the instant to decide for; null: now
 * @param asked starts the denial record of this check with the check as asked
 */
public record PermissionCheck(String robotId, Place place, String taskCategory, Timestamp at, AsAsked asked) {

    /** The check as asked, as the denial record keeps it. */
    @FunctionalInterface
    public interface AsAsked {
        /** A denial holding the check as asked (the rest is filled in by the service). */
        Denial.Builder denial();
    }
}
