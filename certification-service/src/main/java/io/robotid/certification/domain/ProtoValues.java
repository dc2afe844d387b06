package io.robotid.certification.domain;

import java.time.Instant;

import com.google.protobuf.Timestamp;

import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.RevalidationNeed;

/** Domain values as proto messages. */
public final class ProtoValues {
    private ProtoValues() {
    }

    public static OperatingConditions conditions(Conditions c) {
        OperatingConditions.Builder b = OperatingConditions.newBuilder()
                .setEnvironment(c.environment().proto()).setPeopleNearbyAllowed(c.peopleNearbyAllowed());
        if (c.maxSpeedMPerS() != null) {
            b.setMaxSpeedMPerS(c.maxSpeedMPerS());
        }
        if (c.maxPayloadKg() != null) {
            b.setMaxPayloadKg(c.maxPayloadKg());
        }
        if (c.taskCategories() != null) {
            b.addAllAllowedTaskCategories(c.taskCategories());
        }
        return b.build();
    }

    public static RevalidationNeed need(RevalidationMark m) {
        return RevalidationNeed.newBuilder().setTier(m.tier.proto()).setSince(timestamp(m.since)).setCause(m.cause)
                .setLifecycleEventSequence(m.lifecycleEventSequence).setLifecycleFeedSequence(m.lifecycleFeedSequence)
                .build();
    }

    public static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    public static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
