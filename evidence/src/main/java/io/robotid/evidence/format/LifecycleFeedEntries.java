package io.robotid.evidence.format;

import java.time.Instant;
import java.util.List;

import io.robotid.evidence.codec.RecordWriter;

/**
 * An entry of lifecycle-service's status feed (EVIDENCE.md section 5): what other services project from
 * a robot's chain, sealed with the hash of the event that caused it. Services that follow the feed
 * recompute the seal before they apply an entry; lifecycle's VerifyChain recomputes every entry from the
 * robot's verified events.
 */
public final class LifecycleFeedEntries {
    public static final String TAG = "robotid-lifecycle-feed-v1";

    /**
     * Where the 8 bytes of {@code feed_sequence} (big-endian) start in every encoded entry: after the tag and the
     * number's length, so an entry's record is the same bytes around its number whatever the number. A writer
     * that numbers entries as it stores them (lifecycle-service, in the insert statement) seals
     * {@code head || be64(n) || tail}.
     */
    public static final int FEED_SEQUENCE_AT = RecordWriter.tagged(TAG).integer(0).toByteArray().length - 8;

    private LifecycleFeedEntries() {
    }

    /**
     * @param configurationChange the {@code robotid.lifecycle.v1.ConfigurationChange} bytes as stored, or
     *        empty when the cause changed no part or software
     */
    public record Entry(long feedSequence, String robotId, long eventSequence, byte[] eventHash, String status,
            boolean suspended, List<String> openStopUseRecalls, String cause, Instant changedAt, String operatorOrgId,
            byte[] configurationChange) {
    }

    public static byte[] encode(Entry e) {
        return RecordWriter.tagged(TAG).integer(e.feedSequence()).text(e.robotId()).integer(e.eventSequence())
                .digest(e.eventHash()).text(e.status()).bool(e.suspended()).textList(e.openStopUseRecalls())
                .text(e.cause()).instant(e.changedAt()).text(e.operatorOrgId()).bytes(e.configurationChange())
                .toByteArray();
    }

    public static byte[] hash(Entry e) {
        return io.robotid.evidence.codec.Sha256.of(encode(e));
    }
}
