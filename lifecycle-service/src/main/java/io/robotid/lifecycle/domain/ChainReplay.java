package io.robotid.lifecycle.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;

/**
 * Everything lifecycle-service derives from a robot's events, recomputed from the events alone: the
 * robot's state (and the columns copied from it), the status a suspension interrupted, the production
 * date, the feed entries (without their feed sequence), and which recalls notified the robot and when it
 * was remedied of each. What is stored is compared with this by VerifyChain; the recorder derives the same
 * with the same functions as it appends.
 */
public final class ChainReplay {

    /** A recall the robot was notified of, and when it was remedied (null while open). */
    public record RecallMatch(String campaignId, Instant remediedAt) {
    }

    public record Derived(RobotState state, RobotStatus statusBeforeSuspension, LocalDate productionDate,
            Instant lastRecordedAt, String lastHash, List<WatchStatusChangesResponse> feedEntries,
            Map<String, RecallMatch> recalls) {
    }

    private ChainReplay() {
    }

    /** The robot as it stands before any event. */
    public static RobotState initial(String robotId) {
        return RobotState.newBuilder().setRobotId(robotId).setStatus(RobotStatus.ROBOT_STATUS_REGISTERED).build();
    }

    /** The status a suspension interrupted, after {@code type} (null once reinstated). */
    public static RobotStatus beforeSuspension(EventType type, RobotStatus statusBefore, RobotStatus interrupted) {
        return type == EventType.EVENT_TYPE_SUSPENDED ? statusBefore
                : type == EventType.EVENT_TYPE_REINSTATED ? null : interrupted;
    }

    public static Derived replay(String robotId, List<LifecycleEvent> events, MaintenanceThresholds thresholds) {
        RobotState state = initial(robotId);
        RobotStatus interrupted = null;
        LocalDate produced = null;
        Instant lastRecorded = null;
        String lastHash = EventChain.GENESIS;
        List<WatchStatusChangesResponse> feed = new ArrayList<>();
        Map<String, RecallMatch> recalls = new LinkedHashMap<>();
        for (LifecycleEvent e : events) {
            RobotState after = RobotProjection.apply(state, e, thresholds);
            interrupted = beforeSuspension(e.getType(), state.getStatus(), interrupted);
            WatchStatusChangesResponse entry = FeedEntries.of(state, after, e);
            if (entry != null) {
                feed.add(entry);
            }
            switch (e.getType()) {
                case EVENT_TYPE_PRODUCED -> produced = LocalDate.parse(e.getPayload().getProduced().getBuildDate());
                case EVENT_TYPE_RECALL_NOTIFIED -> recalls.putIfAbsent(e.getPayload().getRecallNotified().getCampaignId(),
                        new RecallMatch(e.getPayload().getRecallNotified().getCampaignId(), null));
                case EVENT_TYPE_RECALL_REMEDIED -> {
                    String campaign = e.getPayload().getRecallRemedied().getCampaignId();
                    RecallMatch open = recalls.get(campaign);
                    if (open != null && open.remediedAt() == null) {
                        recalls.put(campaign, new RecallMatch(campaign, EventChain.micros(e.getOccurredAt())));
                    }
                }
                default -> {
                }
            }
            state = after;
            lastRecorded = EventChain.micros(e.getRecorded().getTime());
            lastHash = e.getHash();
        }
        return new Derived(state, interrupted, produced, lastRecorded, lastHash, feed, recalls);
    }
}
