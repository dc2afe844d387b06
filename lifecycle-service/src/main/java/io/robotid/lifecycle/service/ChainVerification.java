package io.robotid.lifecycle.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.InvalidProtocolBufferException;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.evidence.format.LifecycleEvents;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.peers.IssuedRobots;
import io.robotid.lifecycle.domain.ChainReport;
import io.robotid.lifecycle.domain.ChainReplay;
import io.robotid.lifecycle.domain.EventChain;
import io.robotid.lifecycle.domain.FeedEntries;
import io.robotid.lifecycle.repository.RecallRepository;
import io.robotid.lifecycle.repository.RobotRepository;
import io.robotid.lifecycle.repository.RobotRepository.StoredComponent;
import io.robotid.lifecycle.repository.RobotRepository.StoredEvent;
import io.robotid.lifecycle.repository.RobotRepository.StoredRobot;
import io.robotid.proto.common.v1.Discrepancy;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Uni;

/**
 * VerifyChain: checks everything lifecycle-service stores about one robot against the robot's sealed
 * events (EVIDENCE.md sections 4 and 5). Every event must hash to its stored hash, link to the one
 * before, have its stored columns equal to the sealed ones, and match its payload and recorder
 * commitments; the chain must end where the robot row says. Then everything derived from the events is
 * recomputed from them (the robot row and its state, components, feed entries, recall matches) and
 * compared column by column. Every difference is named: table, key, column, and what is wrong.
 */
@ApplicationScoped
public class ChainVerification {
    /** Events read per database round trip. */
    private static final int PAGE = 2_000;

    private final RobotRepository robots;
    private final RecallRepository recalls;
    private final IssuedRobots identity;
    private final LifecycleRecorder recorder;

    public ChainVerification(RobotRepository robots, RecallRepository recalls, IssuedRobots identity,
            LifecycleRecorder recorder) {
        this.robots = robots;
        this.recalls = recalls;
        this.identity = identity;
        this.recorder = recorder;
    }

    public Uni<ChainReport> verify(String robotId) {
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", robotId);
        v.throwIfAny();
        return robots.storedRobot(id).chain(robot -> allEvents(id, 0, new ArrayList<>()).chain(events -> {
            if (robot.isEmpty() && events.isEmpty()) {
                // nothing stored: an issued robot with no event yet is intact; one never issued is NOT_FOUND
                return identity.requireIssued(id).replaceWith(new ChainReport(true, 0, 0, List.of(), EventChain.GENESIS));
            }
            return robots.storedComponents(id).chain(components -> robots.storedFeed(id)
                    .chain(feed -> recalls.matchesOf(id.canonical())
                            .map(matches -> new Check(id, robot, events, components, feed, matches).run())));
        }));
    }

    private Uni<List<StoredEvent>> allEvents(RobotId id, long after, List<StoredEvent> into) {
        return robots.storedEvents(id, after, PAGE).chain(page -> {
            into.addAll(page);
            return page.size() < PAGE ? Uni.createFrom().item(into)
                    : allEvents(id, page.get(page.size() - 1).sequence(), into);
        });
    }

    /** One verification: what is stored, and what was found. */
    private final class Check {
        final RobotId id;
        final Optional<StoredRobot> robot;
        final List<StoredEvent> rows;
        final List<StoredComponent> components;
        final List<WatchStatusChangesResponse> feed;
        final List<RecallRepository.StoredMatch> matches;
        final List<Discrepancy> found = new ArrayList<>();
        long firstBroken;

        Check(RobotId id, Optional<StoredRobot> robot, List<StoredEvent> rows, List<StoredComponent> components,
                List<WatchStatusChangesResponse> feed, List<RecallRepository.StoredMatch> matches) {
            this.id = id;
            this.robot = robot;
            this.rows = rows;
            this.components = components;
            this.feed = feed;
            this.matches = matches;
        }

        ChainReport run() {
            List<LifecycleEvent> events = chain();
            derived(events);
            return new ChainReport(found.isEmpty(), rows.size(), firstBroken, found,
                    events.isEmpty() ? EventChain.GENESIS : events.get(events.size() - 1).getHash());
        }

        /** The chain itself: hashes, links, sealed fields against their columns, commitments. */
        List<LifecycleEvent> chain() {
            List<LifecycleEvent> events = new ArrayList<>();
            String previous = EventChain.GENESIS;
            long expected = 1;
            for (StoredEvent row : rows) {
                String key = "sequence=" + row.sequence();
                if (row.sequence() != expected) {
                    broken(expected, "event", "sequence=" + expected, "", "missing: the chain jumps from "
                            + (expected - 1) + " to " + row.sequence());
                    expected = row.sequence();
                }
                LifecycleEvent e;
                try {
                    e = EventChain.read(row.evidence());
                } catch (MalformedRecord m) {
                    broken(row.sequence(), "event", key, "body", "is not a sealed event of version "
                            + row.evidence().sealVersion() + ": " + m.getMessage());
                    expected++;
                    previous = row.hash();
                    continue;
                }
                String computed = row.evidence().sealVersion() == 1 ? EventChain.hashV1(e, e.getPreviousHash())
                        : Hex.of(LifecycleEvents.hash(row.evidence().body()));
                if (!computed.equals(row.hash())) {
                    broken(row.sequence(), "event", key, "hash", "is not the hash of the sealed event");
                }
                if (row.evidence().sealVersion() == 1 && !computed.equals(e.getHash())) {
                    broken(row.sequence(), "event", key, "body", "the v1 event's own hash does not match its content");
                }
                if (!e.getPreviousHash().equals(previous)) {
                    broken(row.sequence(), "event", key, "body", "does not link to the event before it (sealed previous_hash)");
                }
                column(row.sequence(), key, "robot_id", row.robotId(), e.getRobotId(), true);
                column(row.sequence(), key, "sequence", Long.toString(row.sequence()), Long.toString(e.getSequence()), true);
                column(row.sequence(), key, "previous_hash", row.previousHash(), e.getPreviousHash(), true);
                column(row.sequence(), key, "type", row.type(), e.getType().name(), false);
                column(row.sequence(), key, "occurred_at", row.occurredAt().toString(),
                        EventChain.micros(e.getOccurredAt()).toString(), false);
                if (row.evidence().sealVersion() == 2) {
                    commitments(row, e, key);
                }
                events.add(e.toBuilder().setHash(computed).build());
                previous = computed;
                expected++;
            }
            if (robot.isEmpty()) {
                if (!rows.isEmpty()) {
                    broken(rows.get(0).sequence(), "robot", "robot_id=" + id.canonical(), "", "missing: the robot has events but no row");
                }
            } else {
                StoredRobot r = robot.get();
                if (r.lastSequence() > expected - 1) {
                    broken(expected, "robot", robotKey(), "last_sequence", "records events up to " + r.lastSequence()
                            + " but the chain ends at " + (expected - 1) + " (events missing at its end, or last_sequence changed)");
                } else if (r.lastSequence() < expected - 1) {
                    found("robot", robotKey(), "last_sequence", "is " + r.lastSequence() + ", the chain ends at " + (expected - 1));
                }
                if (!Objects.equals(r.lastHash(), previous)) {
                    found("robot", robotKey(), "last_hash", "is not the hash of the chain's last event");
                }
            }
            return events;
        }

        void commitments(StoredEvent row, LifecycleEvent e, String key) {
            LifecycleEvents.EventV2 sealed;
            try {
                sealed = LifecycleEvents.decode(row.evidence().body());
            } catch (MalformedRecord m) {
                return;
            }
            byte[] payload = row.evidence().payload() == null ? new byte[0] : row.evidence().payload();
            byte[] payloadSalt = row.evidence().payloadSalt() == null ? new byte[0] : row.evidence().payloadSalt();
            if (!Arrays.equals(LifecycleEvents.payloadCommitment(payloadSalt, payload), sealed.payloadCommitment())) {
                broken(row.sequence(), "event", key, "payload", "is not the payload the event committed to (payload or payload_salt changed)");
            } else if (EventValidator.typeOf(e.getPayload()) != e.getType()) {
                broken(row.sequence(), "event", key, "payload", "is a " + e.getPayload().getKindCase() + " payload in a "
                        + e.getType() + " event");
            }
            String subject = Objects.requireNonNullElse(row.evidence().recorderSubject(), "");
            String organisation = Objects.requireNonNullElse(row.evidence().recorderOrganisation(), "");
            byte[] recorderSalt = row.evidence().recorderSalt() == null ? new byte[0] : row.evidence().recorderSalt();
            if (!Arrays.equals(LifecycleEvents.recorderCommitment(recorderSalt, subject, organisation),
                    sealed.recorderCommitment())) {
                broken(row.sequence(), "event", key, "recorder_subject", "recorder_subject, recorder_organisation or "
                        + "recorder_salt is not what the event committed to");
            }
        }

        /** Everything derived from the events, recomputed and compared. */
        void derived(List<LifecycleEvent> events) {
            ChainReplay.Derived d = ChainReplay.replay(id.canonical(), events, recorder.thresholds());
            robot.ifPresent(r -> robotRow(r, d, !events.isEmpty()));
            components(d.state());
            feed(d, events);
            recalls(d);
        }

        void robotRow(StoredRobot r, ChainReplay.Derived d, boolean anyEvent) {
            RobotState s = d.state();
            String key = robotKey();
            compare("robot", key, "robot_id", r.robotId(), id.canonical());
            compare("robot", key, "manufacturer_code", r.manufacturerCode(), id.manufacturerCode());
            compare("robot", key, "model_code", r.modelCode(), id.modelCode());
            compare("robot", key, "status", r.status(), s.getStatus().name());
            compare("robot", key, "status_before_suspension", r.statusBeforeSuspension(),
                    d.statusBeforeSuspension() == null ? null : d.statusBeforeSuspension().name());
            compare("robot", key, "owner_org_id", r.ownerOrgId(), s.getOwnerOrgId());
            compare("robot", key, "operator_org_id", r.operatorOrgId(), s.getOperatorOrgId());
            compare("robot", key, "firmware_version", r.firmwareVersion(), s.getFirmwareVersion());
            compare("robot", key, "ai_model_version", r.aiModelVersion(), s.getAiModelVersion());
            compare("robot", key, "maintenance_due", Boolean.toString(r.maintenanceDue()), Boolean.toString(s.getMaintenanceDue()));
            compare("robot", key, "production_date", String.valueOf(r.productionDate()), String.valueOf(d.productionDate()));
            if (anyEvent) {
                compare("robot", key, "updated_at", String.valueOf(r.updatedAt()), String.valueOf(d.lastRecordedAt()));
            }
            RobotState stored;
            try {
                stored = RobotState.parseFrom(r.state());
            } catch (InvalidProtocolBufferException e) {
                found("robot", key, "state", "is not a robotid.lifecycle.v1.RobotState");
                return;
            }
            if (!stored.equals(s)) {
                found("robot", key, "state", "differs from the state the events give" + firstDifference(stored, s));
            }
        }

        void components(RobotState s) {
            Map<String, Integer> expected = new HashMap<>();
            for (Component c : s.getComponentsList()) {
                expected.merge(componentKey(c.getPartNumber(), c.getLot(), c.getSerial()), 1, Integer::sum);
            }
            Map<String, Integer> stored = new HashMap<>();
            for (StoredComponent c : components) {
                stored.merge(componentKey(c.partNumber(), c.lot(), c.serial()), 1, Integer::sum);
            }
            for (var e : stored.entrySet()) {
                int want = expected.getOrDefault(e.getKey(), 0);
                if (e.getValue() > want) {
                    found("robot_component", e.getKey(), "", "not in the robot's configuration (changed or added row)");
                }
            }
            for (var e : expected.entrySet()) {
                if (stored.getOrDefault(e.getKey(), 0) < e.getValue()) {
                    found("robot_component", e.getKey(), "", "missing: the robot's configuration has this part");
                }
            }
        }

        void feed(ChainReplay.Derived d, List<LifecycleEvent> events) {
            Map<Long, WatchStatusChangesResponse> expected = new HashMap<>();
            d.feedEntries().forEach(f -> expected.put(f.getEventSequence(), f));
            Map<Long, WatchStatusChangesResponse> seen = new HashMap<>();
            for (WatchStatusChangesResponse stored : feed) {
                String key = "feed_sequence=" + stored.getFeedSequence();
                if (!FeedEntries.hash(stored).equals(stored.getEntryHash())) {
                    found("status_feed", key, "entry_hash", "is not the seal of the entry's stored fields");
                }
                WatchStatusChangesResponse want = expected.get(stored.getEventSequence());
                if (want == null || seen.containsKey(stored.getEventSequence())) {
                    found("status_feed", key, "event_sequence", "names event " + stored.getEventSequence()
                            + ", which makes no (further) feed entry");
                    continue;
                }
                seen.put(stored.getEventSequence(), stored);
                WatchStatusChangesResponse got = stored.toBuilder().clearFeedSequence().clearEntryHash().build();
                if (!got.equals(want)) {
                    found("status_feed", key, feedColumn(got, want), "differs from what event " + stored.getEventSequence()
                            + " makes");
                }
            }
            for (var e : expected.entrySet()) {
                if (!seen.containsKey(e.getKey())) {
                    found("status_feed", "event_sequence=" + e.getKey(), "", "missing: event " + e.getKey()
                            + " changed what the feed carries but no entry names it");
                }
            }
        }

        void recalls(ChainReplay.Derived d) {
            Map<String, ChainReplay.RecallMatch> expected = new HashMap<>();
            d.recalls().forEach((campaign, match) -> expected.put(campaign.toLowerCase(Locale.ROOT), match));
            for (RecallRepository.StoredMatch m : matches) {
                String key = "campaign_id=" + m.campaignId();
                if (m.recomputedHash() == null) {
                    found("recall_robot", key, "campaign_id", "names no recall campaign");
                } else if (!m.recomputedHash().equals(m.recordHash())) {
                    found("recall_campaign", key, "record_hash", "is not the seal of the campaign's stored fields");
                }
                ChainReplay.RecallMatch want = expected.remove(m.campaignId().toLowerCase(Locale.ROOT));
                if (want == null) {
                    found("recall_robot", key, "", "the robot's chain has no RECALL_NOTIFIED for this campaign");
                    continue;
                }
                Instant stored = m.remediedAt() == null ? null : m.remediedAt().truncatedTo(ChronoUnit.MICROS);
                if (!Objects.equals(stored, want.remediedAt())) {
                    found("recall_robot", key, "remedied_at", "is " + stored + ", the chain says " + want.remediedAt());
                }
            }
            expected.keySet().forEach(campaign -> found("recall_robot", "campaign_id=" + campaign, "",
                    "missing: the chain has RECALL_NOTIFIED for this campaign"));
        }

        String robotKey() {
            return "robot_id=" + id.canonical();
        }

        void column(long sequence, String key, String column, String stored, String sealed, boolean breaksChain) {
            if (!Objects.equals(stored, sealed)) {
                if (breaksChain) {
                    broken(sequence, "event", key, column, "is " + stored + ", the sealed event says " + sealed);
                } else {
                    found("event", key, column, "is " + stored + ", the sealed event says " + sealed);
                }
            }
        }

        void compare(String table, String key, String column, String stored, String derived) {
            if (!Objects.equals(stored, derived)) {
                found(table, key, column, "is " + stored + ", the events give " + derived);
            }
        }

        void broken(long sequence, String table, String key, String column, String problem) {
            if (firstBroken == 0 || sequence < firstBroken) {
                firstBroken = sequence;
            }
            found(table, key, column, problem);
        }

        void found(String table, String key, String column, String problem) {
            found.add(Discrepancy.newBuilder().setTable(table).setKey(key).setColumn(column).setProblem(problem).build());
        }
    }

    private static String componentKey(String part, String lot, String serial) {
        return "part_number=" + part + ",lot=" + lot + ",serial=" + serial;
    }

    private static String firstDifference(RobotState stored, RobotState derived) {
        for (var field : RobotState.getDescriptor().getFields()) {
            Object a = stored.getField(field);
            Object b = derived.getField(field);
            if (!Objects.equals(a, b)) {
                return " (" + field.getName() + ")";
            }
        }
        return "";
    }

    private static String feedColumn(WatchStatusChangesResponse got, WatchStatusChangesResponse want) {
        for (var field : WatchStatusChangesResponse.getDescriptor().getFields()) {
            if (!Objects.equals(got.getField(field), want.getField(field))
                    || (!field.isRepeated() && got.hasField(field) != want.hasField(field))) {
                return field.getName();
            }
        }
        return "";
    }
}
