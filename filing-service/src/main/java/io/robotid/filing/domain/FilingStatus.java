package io.robotid.filing.domain;

/** Where a model filing stands. WITHDRAWN is terminal. */
public enum FilingStatus {
    /** Never accepted; a revision awaits review. */
    PENDING_REVIEW,
    /** Has a model code; identities may be issued. */
    ACCEPTED,
    /** Never accepted; the latest revision was rejected. */
    REJECTED,
    /** No new identities. Terminal. */
    WITHDRAWN
}
