package io.robotid.identity.client;

import java.time.Instant;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.format.LifecycleFeedEntries;
import io.robotid.kit.error.DomainException;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/** Checks a lifecycle feed entry's seal (EVIDENCE.md section 5) before anything is applied from it. */
public final class LifecycleFeedSeal {
    private LifecycleFeedSeal() {
    }

    /** The entry, when its entry_hash is the seal of its fields; DATA_LOSS naming it otherwise. */
    public static WatchStatusChangesResponse require(WatchStatusChangesResponse e) {
        byte[] eventHash = Hex.digestOrNull(e.getEventHash());
        // a sealed instant has whole microseconds: anything finer was never sealed
        String computed = eventHash == null || e.getChangedAt().getNanos() % 1000 != 0 ? null : Hex.of(LifecycleFeedEntries.hash(new LifecycleFeedEntries.Entry(
                e.getFeedSequence(), e.getRobotId(), e.getEventSequence(), eventHash, e.getStatus().name(), e.getSuspended(),
                e.getOpenStopUseRecallsList(), e.getCause().name(),
                Instant.ofEpochSecond(e.getChangedAt().getSeconds(), e.getChangedAt().getNanos()), e.getOperatorOrgId(),
                e.hasConfigurationChange() ? e.getConfigurationChange().toByteArray() : new byte[0])));
        if (computed == null || !computed.equals(e.getEntryHash())) {
            throw DomainException.dataLoss("FEED_ENTRY_NOT_SEALED", "lifecycle feed entry " + e.getFeedSequence()
                    + " (robot " + e.getRobotId() + ", event " + e.getEventSequence()
                    + ") does not match its seal: it is not applied", java.util.Map.of("feed_sequence",
                            Long.toString(e.getFeedSequence())));
        }
        return e;
    }
}
