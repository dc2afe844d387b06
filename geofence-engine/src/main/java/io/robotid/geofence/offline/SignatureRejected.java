package io.robotid.geofence.offline;

/** A receipt or bundle that must not be trusted, and why. */
public final class SignatureRejected extends Exception {

    public enum Why {
        /** The key id is not among the trusted keys. */
        UNKNOWN_KEY,
        /** The bytes are not what the key signed (changed, truncated, or signed by another key). */
        BAD_SIGNATURE,
        /** The signed bytes are not a receipt or bundle of a known format. */
        MALFORMED,
        /** The bundle expired (only {@link OfflineBundle#openFresh} refuses for it). */
        EXPIRED,
        /** The bundle is for another robot. */
        WRONG_ROBOT
    }

    private final Why why;

    public SignatureRejected(Why why, String message) {
        super(why + ": " + message);
        this.why = why;
    }

    public Why why() {
        return why;
    }
}
