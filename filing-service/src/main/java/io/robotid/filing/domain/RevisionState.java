package io.robotid.filing.domain;

public enum RevisionState {
    PENDING_REVIEW, ACCEPTED, REJECTED,
    /** Replaced by a later amendment before it was reviewed. */
    SUPERSEDED
}
