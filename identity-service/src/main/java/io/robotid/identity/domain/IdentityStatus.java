package io.robotid.identity.domain;

public enum IdentityStatus {
    ACTIVE,
    /** The robot was scrapped; the ID stays and is never reused. */
    RETIRED
}
