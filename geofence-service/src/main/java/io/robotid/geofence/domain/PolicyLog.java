package io.robotid.geofence.domain;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.ZonePolicy;
import io.robotid.proto.geofence.v1.Grant;
import io.robotid.proto.geofence.v1.Zone;

/**
 * The policy log's chain (EVIDENCE.md section 7): changes are fed in order, and each must check out (its
 * number, its link to the change before, its hash, its body) before its zone or grant is taken; the first
 * one that does not is refused by name.
 */
public final class PolicyLog {
    public static final String GENESIS = "0".repeat(64);

    /** A change as read from the log. */
    public record Change(long seq, long version, String kind, String entityId, byte[] body, String previousHash,
            String hash) {
    }

    private long lastSeq;
    private String lastHash = GENESIS;
    private long version;

    /** A change that does not check out, and what is wrong with it. */
    public static final class Broken extends Exception {
        public Broken(String message) {
            super(message, null, false, false);
        }
    }

    /** Adds the next change and answers its record (a Zone or a Grant); refuses it when it does not check out. */
    public Message add(Change c) throws Broken {
        Message record = check(c);
        lastSeq = c.seq();
        lastHash = c.hash();
        version = Math.max(version, c.version());
        return record;
    }

    private Message check(Change c) throws Broken {
        String where = "policy_change seq=" + c.seq() + ": ";
        if (c.seq() != lastSeq + 1) {
            throw new Broken(where + "expected seq " + (lastSeq + 1) + " (a change is missing or renumbered)");
        }
        if (!lastHash.equals(c.previousHash())) {
            throw new Broken(where + "previous_hash does not link to the change before it");
        }
        byte[] previous = Hex.digestOrNull(c.previousHash());
        if (previous == null) {
            throw new Broken(where + "previous_hash is not a SHA-256 digest");
        }
        String computed = Hex.of(Sha256.of(ZonePolicy.encode(new ZonePolicy.Change(c.seq(), c.version(), previous, c.kind(),
                c.entityId(), c.body()))));
        if (!computed.equals(c.hash())) {
            throw new Broken(where + "hash is not the seal of the change (seq, version, kind, entity_id or body changed)");
        }
        try {
            switch (c.kind()) {
                case ZonePolicy.ZONE -> {
                    Zone z = Zone.parseFrom(c.body());
                    if (!z.getZoneId().equals(c.entityId()) || z.getVersion() != c.version()) {
                        throw new Broken(where + "the zone in the body is not " + c.entityId() + " at version " + c.version());
                    }
                    return z;
                }
                case ZonePolicy.GRANT -> {
                    Grant g = Grant.parseFrom(c.body());
                    if (!g.getGrantId().equals(c.entityId()) || g.getVersion() != c.version()) {
                        throw new Broken(where + "the grant in the body is not " + c.entityId() + " at version " + c.version());
                    }
                    return g;
                }
                default -> throw new Broken(where + "kind '" + c.kind() + "' is neither ZONE nor GRANT");
            }
        } catch (InvalidProtocolBufferException e) {
            throw new Broken(where + "body is not a robotid.geofence.v1." + (c.kind().equals(ZonePolicy.GRANT) ? "Grant" : "Zone"));
        }
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** The policy hash: the hash of the last change (64 zeros for an empty log). */
    public String lastHash() {
        return lastHash;
    }

    public long version() {
        return version;
    }
}
