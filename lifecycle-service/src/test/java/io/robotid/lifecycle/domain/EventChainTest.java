package io.robotid.lifecycle.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Timestamp;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.format.LifecycleEvents;
import io.robotid.evidence.verify.EventChainVerifier;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.proto.common.v1.AuditStamp;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotStatus;

/**
 * The chain as EVIDENCE.md section 4 specifies it, checked by the offline verifier (module evidence) from what
 * the API serves: a chain begun under version 1 and continued under version 2 verifies end to end, whoever
 * reads it; a changed payload, recorder or link is named.
 */
public class EventChainTest {
    static final String ROBOT = "DE00010000012601000000000001G";

    static LifecycleEvent draft(long sequence, EventType type, EventPayload payload, RobotStatus after, long seconds) {
        return LifecycleEvent.newBuilder().setRobotId(ROBOT).setSequence(sequence).setType(type)
                .setOccurredAt(Timestamp.newBuilder().setSeconds(seconds).setNanos(123_456_789)).setPayload(payload)
                .setStatusAfter(after).setRecorded(AuditStamp.newBuilder().setSubject("subject-" + sequence)
                        .setRole("MANUFACTURER").setOrganisation("manufacturer_code:0001")
                        .setTime(Timestamp.newBuilder().setSeconds(seconds + 1).setNanos(5_000))
                        .setRequestId("6b945388-4575-45d1-b21c-3515d4068d9" + sequence).setTraceId("ab"))
                .build();
    }

    /** Two events sealed as v1 (before EVIDENCE.md), then two as v2, each read back as the API serves it. */
    static List<LifecycleEvent> mixedChain() throws Exception {
        List<LifecycleEvent> stored = new ArrayList<>();
        LifecycleEvent e1 = EventChain.sealV1(draft(1, EventType.EVENT_TYPE_PRODUCED, Fleet.produced(),
                RobotStatus.ROBOT_STATUS_IN_STOCK, 1_790_000_000), EventChain.GENESIS);
        LifecycleEvent e2 = EventChain.sealV1(draft(2, EventType.EVENT_TYPE_SOLD, Fleet.sold("org-a"),
                RobotStatus.ROBOT_STATUS_IN_STOCK, 1_790_000_100), e1.getHash());
        LifecycleEvent e3 = EventChain.seal(draft(3, EventType.EVENT_TYPE_DEPLOYED, Fleet.deployed("org-a"),
                RobotStatus.ROBOT_STATUS_IN_SERVICE, 1_790_000_200), e2.getHash());
        LifecycleEvent e4 = EventChain.seal(draft(4, EventType.EVENT_TYPE_TELEMETRY_SUMMARY, Fleet.telemetry(60),
                RobotStatus.ROBOT_STATUS_IN_SERVICE, 1_790_000_300), e3.getHash());
        for (LifecycleEvent e : List.of(e1, e2)) {
            stored.add(EventChain.read(new EventChain.Stored(1, e.toByteArray(), null, null, null, null, null)));
        }
        for (LifecycleEvent e : List.of(e3, e4)) {
            stored.add(EventChain.read(EventChain.stored(e)));
        }
        return stored;
    }

    public static EventChainVerifier.Event served(LifecycleEvent e) {
        return new EventChainVerifier.Event(e.getRobotId(), e.getSequence(), e.getSealVersion(), e.getHash(),
                e.getPreviousHash(), e.getSealed().toByteArray(),
                e.getPayloadBytes().isEmpty() ? null : e.getPayloadBytes().toByteArray(),
                e.getPayloadSalt().isEmpty() ? null : e.getPayloadSalt().toByteArray(),
                e.getRecorderSalt().isEmpty() ? null : e.getRecorded().getSubject(),
                e.getRecorderSalt().isEmpty() ? null : e.getRecorded().getOrganisation(),
                e.getRecorderSalt().isEmpty() ? null : e.getRecorderSalt().toByteArray());
    }

    @Test
    void aChainBegunUnderVersion1AndContinuedUnderVersion2VerifiesOffline() throws Exception {
        List<LifecycleEvent> chain = mixedChain();
        assertThat(chain).extracting(LifecycleEvent::getSealVersion).containsExactly(1, 1, 2, 2);
        EventChainVerifier.Result result = EventChainVerifier.verify(ROBOT, chain.stream().map(EventChainTest::served).toList(),
                chain.get(3).getHash());
        assertThat(result.findings()).isEmpty();
        assertThat(result.eventsChecked()).isEqualTo(4);
        // what the API serves reads back as recorded, occurred_at kept to the microsecond
        assertThat(chain.get(2).getOccurredAt().getNanos()).isEqualTo(123_456_000);
        assertThat(chain.get(2).getPayload()).isEqualTo(Fleet.deployed("org-a"));
        assertThat(chain.get(2).getRecorded().getSubject()).isEqualTo("subject-3");
        assertThat(Hex.of(LifecycleEvents.hash(chain.get(0).getSealed().toByteArray()))).isEqualTo(chain.get(0).getHash());
    }

    @Test
    void aReaderWhoMayNotSeeThePayloadOrTheRecorderStillChecksTheHashesAndLinksOfVersion2() throws Exception {
        List<LifecycleEvent> chain = mixedChain();
        List<EventChainVerifier.Event> withheld = new ArrayList<>();
        for (LifecycleEvent e : chain) {
            EventChainVerifier.Event s = served(e);
            withheld.add(new EventChainVerifier.Event(s.robotId(), s.sequence(), s.version(), s.hash(), s.previousHash(),
                    s.version() == 1 ? new byte[0] : s.sealed(), null, null, null, null, null));
        }
        EventChainVerifier.Result result = EventChainVerifier.verify(ROBOT, withheld, null);
        // v1 events are withheld whole (their bytes hold the payload in clear): named as not checkable, the rest checks
        assertThat(result.findings()).extracting(f -> f.record() + " " + f.field())
                .containsExactly("event 1 sealed", "event 2 sealed");
    }

    @Test
    void aChangedPayloadRecorderOrLinkIsNamed() throws Exception {
        List<LifecycleEvent> chain = mixedChain();
        List<EventChainVerifier.Event> served = new ArrayList<>(chain.stream().map(EventChainTest::served).toList());
        EventChainVerifier.Event e3 = served.get(2);
        served.set(2, new EventChainVerifier.Event(e3.robotId(), e3.sequence(), 2, e3.hash(), e3.previousHash(), e3.sealed(),
                Fleet.deployed("org-evil").toByteArray(), e3.payloadSalt(), "someone else", e3.recorderOrganisation(),
                e3.recorderSalt()));
        EventChainVerifier.Event e4 = served.get(3);
        served.set(3, new EventChainVerifier.Event(e4.robotId(), e4.sequence(), 2, e4.hash(), "0".repeat(64), e4.sealed(),
                e4.payload(), e4.payloadSalt(), e4.recorderSubject(), e4.recorderOrganisation(), e4.recorderSalt()));
        EventChainVerifier.Result result = EventChainVerifier.verify(ROBOT, served, null);
        assertThat(result.findings()).extracting(f -> f.record() + " " + f.field())
                .contains("event 3 payload", "event 3 recorded", "event 4 previous_hash");
    }
}
