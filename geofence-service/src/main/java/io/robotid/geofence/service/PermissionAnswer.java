package io.robotid.geofence.service;

import java.util.List;

import com.google.protobuf.Timestamp;

import io.robotid.geofence.engine.Decision;
import io.robotid.proto.geofence.v1.DenialReason;
import io.robotid.proto.geofence.v1.Receipt;

/**
 * The answer to a permission check: the engine's decision and its signed receipt, which the adapter shows
 * as the contract's answer. The instant decided for and the reasons are in the contract's terms because
 * a denial record seals them too (EVIDENCE.md 8.7): they are made once per check and shared by the denial
 * and the answer, so the hot path does no more than before.
 *
 * @param robotId the robot, as parsed
 * @param decision the engine's decision
 * @param decidedAt the instant decided for (to the microsecond)
 * @param reasons the decision's reasons (empty unless DENY)
 * @param receipt the signed receipt (EVIDENCE.md section 8)
 */
public record PermissionAnswer(String robotId, Decision decision, Timestamp decidedAt, List<DenialReason> reasons,
        Receipt receipt) {
}
