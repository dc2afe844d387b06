package io.robotid.evidence.verify;

/** Evidence that must not be trusted, and why: the message names the record, the field and the check. */
public final class Rejected extends Exception {

    public enum Why {
        /** The key id is not among the trusted keys. */
        UNKNOWN_KEY,
        /** The bytes are not what the key signed (changed, truncated, or signed by another key). */
        BAD_SIGNATURE,
        /** The bytes are not a record of a known format, or a field breaks its format's rule. */
        MALFORMED,
        /** A format version this verifier does not know. */
        UNKNOWN_VERSION,
        /** A recomputed digest differs from the one stated (a changed field, payload or link). */
        MISMATCH,
        /** A chain is broken: a gap, a wrong link, or events missing at its end. */
        BROKEN_CHAIN,
        /** The bundle expired. */
        EXPIRED,
        /** The bundle is for another robot. */
        WRONG_ROBOT
    }

    private final Why why;

    public Rejected(Why why, String message) {
        super(why + ": " + message);
        this.why = why;
    }

    public Why why() {
        return why;
    }
}
