package io.robotid.evidence.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.evidence.format.LifecycleEvents;

/**
 * Checks a robot's chain of lifecycle events offline, as lifecycle-service's ListEvents serves it: every
 * event's hash is SHA-256 of its sealed bytes, links to the hash before it, and its stated fields are the
 * sealed ones; where the payload or the recorder is given with its salt, it must be the one committed to.
 * Every problem is reported, naming the event, the field and the check.
 */
public final class EventChainVerifier {
    private EventChainVerifier() {
    }

    /**
     * One event as served.
     *
     * @param version the seal version (1 or 2)
     * @param hash the stated hash (hex)
     * @param previousHash the stated previous hash (hex)
     * @param sealed the sealed bytes (empty for a v1 event whose content was withheld)
     * @param payload the EventPayload bytes as committed (v2), or null when withheld
     * @param payloadSalt its salt, or null
     * @param recorderSubject the recorder's subject (v2), or null when withheld
     * @param recorderOrganisation the recorder's organisation, or null
     * @param recorderSalt its salt, or null
     */
    public record Event(String robotId, long sequence, int version, String hash, String previousHash, byte[] sealed,
            byte[] payload, byte[] payloadSalt, String recorderSubject, String recorderOrganisation, byte[] recorderSalt) {
    }

    /** What the verification found: the events checked, the last hash, and every problem. */
    public record Result(long eventsChecked, String lastHash, List<Finding> findings) {
        public boolean intact() {
            return findings.isEmpty();
        }
    }

    /**
     * @param events in sequence order, from the robot's first event (sequence 1) on
     * @param expectedHead the hash the chain must end with (e.g. from a later trusted read), or null
     */
    public static Result verify(String robotId, List<Event> events, String expectedHead) {
        List<Finding> findings = new ArrayList<>();
        String previous = LifecycleEvents.GENESIS_HEX;
        long expected = 1;
        for (Event e : events) {
            String record = "event " + e.sequence();
            if (!robotId.equals(e.robotId())) {
                findings.add(new Finding(record, "robot_id", "is " + e.robotId() + ", not " + robotId));
            }
            if (e.sequence() != expected) {
                findings.add(new Finding(record, "sequence", "expected " + expected + " (a gap or a repeat)"));
            }
            if (!previous.equals(e.previousHash())) {
                findings.add(new Finding(record, "previous_hash", "does not link to the hash of the event before it"));
            }
            if (e.sealed() == null || e.sealed().length == 0) {
                findings.add(new Finding(record, "sealed", "not given: the event cannot be checked"));
            } else {
                String computed = Hex.of(LifecycleEvents.hash(e.sealed()));
                if (!computed.equals(e.hash())) {
                    findings.add(new Finding(record, "hash", "is not SHA-256 of the sealed bytes"));
                }
                if (e.version() == 2) {
                    checkV2(e, record, findings);
                } else if (e.version() == 1) {
                    String linked = LifecycleEvents.v1PreviousHash(e.sealed());
                    if (linked == null) {
                        findings.add(new Finding(record, "sealed", "is not a robotid-lifecycle-event-v1 preimage"));
                    } else if (!linked.equals(e.previousHash())) {
                        findings.add(new Finding(record, "previous_hash", "differs from the one sealed"));
                    }
                } else {
                    findings.add(new Finding(record, "seal_version", "unknown version " + e.version()));
                }
            }
            previous = e.hash();
            expected = e.sequence() + 1;
        }
        if (expectedHead != null && !expectedHead.equals(previous)) {
            findings.add(new Finding("chain", "head", "ends at " + previous + ", not at the expected " + expectedHead
                    + " (events missing at the end)"));
        }
        return new Result(events.size(), previous, findings);
    }

    private static void checkV2(Event e, String record, List<Finding> findings) {
        LifecycleEvents.EventV2 sealed;
        try {
            sealed = LifecycleEvents.decode(e.sealed());
        } catch (MalformedRecord m) {
            findings.add(new Finding(record, "sealed." + m.field(), m.getMessage()));
            return;
        }
        if (!sealed.robotId().equals(e.robotId())) {
            findings.add(new Finding(record, "robot_id", "differs from the sealed " + sealed.robotId()));
        }
        if (sealed.sequence() != e.sequence()) {
            findings.add(new Finding(record, "sequence", "differs from the sealed " + sealed.sequence()));
        }
        if (!Hex.of(sealed.previousHash()).equals(e.previousHash())) {
            findings.add(new Finding(record, "previous_hash", "differs from the one sealed"));
        }
        if (e.payload() != null && e.payloadSalt() != null
                && !Arrays.equals(LifecycleEvents.payloadCommitment(e.payloadSalt(), e.payload()), sealed.payloadCommitment())) {
            findings.add(new Finding(record, "payload", "is not the payload the event committed to"));
        }
        if (e.recorderSubject() != null && e.recorderSalt() != null
                && !Arrays.equals(LifecycleEvents.recorderCommitment(e.recorderSalt(), e.recorderSubject(),
                        e.recorderOrganisation() == null ? "" : e.recorderOrganisation()), sealed.recorderCommitment())) {
            findings.add(new Finding(record, "recorded", "subject and organisation are not the ones the event committed to"));
        }
    }
}
