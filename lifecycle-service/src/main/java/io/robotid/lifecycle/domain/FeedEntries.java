package io.robotid.lifecycle.domain;


import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.format.LifecycleFeedEntries;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.ConfigurationChange;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * The status feed's entries: what an event changes of what other services project (status,
 * suspension, open stop-use recalls, operator, parts and software), and the entry's seal
 * (EVIDENCE.md section 5), which names the event by its hash.
 */
public final class FeedEntries {
    private FeedEntries() {
    }

    /**
     * The entry an event makes (without its feed sequence and seal), or null when it changed none of what
     * the feed carries. {@code changedAt} is the event's recording instant.
     */
    public static WatchStatusChangesResponse of(RobotState before, RobotState after, LifecycleEvent event) {
        ConfigurationChange configuration = switch (event.getType()) {
            case EVENT_TYPE_COMPONENT_REPLACED -> ConfigurationChange.newBuilder()
                    .setOldPart(asRecorded(before, event.getPayload().getComponentReplaced().getOldPart()))
                    .setNewPart(event.getPayload().getComponentReplaced().getNewPart()).build();
            case EVENT_TYPE_SOFTWARE_UPDATED -> ConfigurationChange.newBuilder()
                    .setPreviousFirmwareVersion(before.getFirmwareVersion()).setFirmwareVersion(after.getFirmwareVersion())
                    .setPreviousAiModelVersion(before.getAiModelVersion()).setAiModelVersion(after.getAiModelVersion())
                    .build();
            default -> null;
        };
        boolean changed = configuration != null || before.getStatus() != after.getStatus()
                || !before.getOpenStopUseRecallsList().equals(after.getOpenStopUseRecallsList())
                || !before.getOperatorOrgId().equals(after.getOperatorOrgId());
        if (!changed) {
            return null;
        }
        WatchStatusChangesResponse.Builder entry = WatchStatusChangesResponse.newBuilder()
                .setRobotId(after.getRobotId()).setStatus(after.getStatus())
                .setSuspended(after.getStatus() == RobotStatus.ROBOT_STATUS_SUSPENDED)
                .addAllOpenStopUseRecalls(after.getOpenStopUseRecallsList())
                .setChangedAt(event.getRecorded().getTime())
                .setCause(event.getType()).setOperatorOrgId(after.getOperatorOrgId())
                .setEventSequence(event.getSequence()).setEventHash(event.getHash());
        if (configuration != null) {
            entry.setConfigurationChange(configuration);
        }
        return entry.build();
    }

    /** The entry numbered and sealed: feed_sequence and entry_hash set. */
    public static WatchStatusChangesResponse sealed(WatchStatusChangesResponse entry, long feedSequence) {
        WatchStatusChangesResponse numbered = entry.toBuilder().setFeedSequence(feedSequence).build();
        return numbered.toBuilder().setEntryHash(hash(numbered)).build();
    }

    /** SHA-256 (hex) of the entry's robotid-lifecycle-feed-v1 record. */
    public static String hash(WatchStatusChangesResponse e) {
        return Hex.of(LifecycleFeedEntries.hash(record(e)));
    }

    private static LifecycleFeedEntries.Entry record(WatchStatusChangesResponse e) {
        byte[] eventHash = Hex.digestOrNull(e.getEventHash());
        return new LifecycleFeedEntries.Entry(e.getFeedSequence(), e.getRobotId(),
                e.getEventSequence(), eventHash == null ? new byte[32] : eventHash, e.getStatus().name(), e.getSuspended(),
                e.getOpenStopUseRecallsList(), e.getCause().name(), EventChain.micros(e.getChangedAt()),
                e.getOperatorOrgId(), e.hasConfigurationChange() ? e.getConfigurationChange().toByteArray() : new byte[0]);
    }

    /** An entry's record without its number: the bytes before and after the 8 bytes of {@code feed_sequence}. */
    public record Unnumbered(byte[] head, byte[] tail) {
    }

    /**
     * The entry's record around its number, for a writer that numbers and seals it where it stores it: its
     * seal is SHA-256 of {@code head || be64(feed_sequence) || tail} ({@link LifecycleFeedEntries#FEED_SEQUENCE_AT}).
     */
    public static Unnumbered unnumbered(WatchStatusChangesResponse e) {
        byte[] record = LifecycleFeedEntries.encode(record(e.toBuilder().setFeedSequence(0).build()));
        int at = LifecycleFeedEntries.FEED_SEQUENCE_AT;
        return new Unnumbered(java.util.Arrays.copyOfRange(record, 0, at),
                java.util.Arrays.copyOfRange(record, at + 8, record.length));
    }

    /** Whether an entry's seal is the one its fields give (what a follower checks before applying it). */
    public static boolean intact(WatchStatusChangesResponse e) {
        return Hex.digestOrNull(e.getEventHash()) != null && hash(e).equals(e.getEntryHash());
    }

    /**
     * The replaced part as the robot's configuration recorded it: a payload naming only its part
     * number and serial still tells certification whether it was safety-relevant and what it was.
     */
    private static Component asRecorded(RobotState before, Component named) {
        return before.getComponentsList().stream()
                .filter(c -> c.getPartNumber().equals(named.getPartNumber()) && c.getSerial().equals(named.getSerial()))
                .findFirst()
                .map(recorded -> named.toBuilder().setSafetyRelevant(named.getSafetyRelevant() || recorded.getSafetyRelevant())
                        .setCategory(named.getCategory() != ComponentCategory.COMPONENT_CATEGORY_UNSPECIFIED
                                ? named.getCategory() : recorded.getCategory())
                        .build())
                .orElse(named);
    }

}
