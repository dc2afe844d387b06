package io.robotid.kit.security;

/** Token claims that bind a caller to the organisation or robot it may act for. */
public enum OrganisationClaim {
    MANUFACTURER_CODE("manufacturer_code"),
    CERTIFICATION_BODY_ID("certification_body_id"),
    ORG_ID("org_id"),
    ROBOT_ID("robot_id");

    private final String claimName;

    OrganisationClaim(String claimName) {
        this.claimName = claimName;
    }

    /** The claim's name in the token. */
    public String claimName() {
        return claimName;
    }
}
