package io.robotid.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.LifecycleFeedEntries;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ConfigurationChange;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * A feed entry sealed where it is stored (lifecycle-service numbers and seals entries in its insert statement,
 * SHA-256 of {@code head || be64(n) || tail}) has the seal {@link FeedEntries#sealed} gives it in Java, which is
 * what followers and VerifyChain recompute (EVIDENCE.md section 5).
 */
class FeedEntriesTest {

    static WatchStatusChangesResponse entry(boolean configuration) {
        WatchStatusChangesResponse.Builder b = WatchStatusChangesResponse.newBuilder()
                .setRobotId("DE00010000012601000000000001G").setStatus(RobotStatus.ROBOT_STATUS_SUSPENDED).setSuspended(true)
                .addOpenStopUseRecalls("1c8e0b4e-6f51-4a53-9a37-2b0f7c1d9e10").addOpenStopUseRecalls("recall-2")
                .setChangedAt(Timestamp.newBuilder().setSeconds(1_790_000_000).setNanos(123_000))
                .setCause(EventType.EVENT_TYPE_COMPONENT_REPLACED).setOperatorOrgId("org-ü")
                .setEventSequence(17).setEventHash("ab".repeat(32));
        if (configuration) {
            b.setConfigurationChange(ConfigurationChange.newBuilder()
                    .setOldPart(Component.newBuilder().setPartNumber("MTR-100").setLot("L7").setSerial("S1"))
                    .setNewPart(Component.newBuilder().setPartNumber("MTR-101").setLot("L8").setSerial("S2")));
        }
        return b.build();
    }

    /** What the insert statement computes: sha256(head || int8send(n) || tail), hex. */
    static String sealedAsStored(WatchStatusChangesResponse entry, long n) {
        FeedEntries.Unnumbered record = FeedEntries.unnumbered(entry);
        return Hex.of(Sha256.of(ByteBuffer.allocate(record.head().length + 8 + record.tail().length).put(record.head())
                .putLong(n).put(record.tail()).array()));
    }

    @Test
    void anEntrySealedAroundItsNumberHasTheSealTheFeedFormatGivesIt() {
        for (boolean configuration : new boolean[] { false, true }) {
            WatchStatusChangesResponse entry = entry(configuration);
            for (long n : new long[] { 1, 2, 255, 256, 65_537, 1L << 40, Long.MAX_VALUE }) {
                WatchStatusChangesResponse sealed = FeedEntries.sealed(entry, n);
                assertThat(sealedAsStored(entry, n)).as("n=%d", n).isEqualTo(sealed.getEntryHash());
                assertThat(FeedEntries.intact(sealed)).isTrue();
            }
        }
    }

    @Test
    void theNumberSitsAtTheSameOffsetInEveryRecord() {
        WatchStatusChangesResponse entry = entry(true);
        FeedEntries.Unnumbered record = FeedEntries.unnumbered(entry);
        assertThat(record.head()).hasSize(LifecycleFeedEntries.FEED_SEQUENCE_AT);
        assertThat(LifecycleFeedEntries.FEED_SEQUENCE_AT).as("EVIDENCE.md section 5: bytes 30 to 37").isEqualTo(30);
        // the tag, then the number's length: the head is the same for every entry
        assertThat(FeedEntries.unnumbered(entry(false)).head()).isEqualTo(record.head());
        assertThat(new String(record.head(), 0, LifecycleFeedEntries.TAG.length(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(LifecycleFeedEntries.TAG);
        // a different number changes only its own 8 bytes
        assertThat(sealedAsStored(entry, 7)).isNotEqualTo(sealedAsStored(entry, 8));
    }
}
