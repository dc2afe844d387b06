package io.robotid.kit.security;

/** The roles of the OIDC {@code groups} claim (DESIGN.md section 5). */
public enum Role {
    REGULATOR,
    MANUFACTURER,
    CERTIFICATION_BODY,
    OPERATOR,
    SERVICE_PROVIDER,
    RECYCLER,
    ZONE_AUTHORITY,
    ROBOT,
    AUDITOR,
    /**
     * Another registry service reading a feed (certification and geofence follow lifecycle's);
     * given by client credentials, never to people or external systems.
     */
    REGISTRY_SERVICE;

    /** Role names as constants, for {@code @RolesAllowed}. */
    public static final class Names {
        public static final String REGULATOR = "REGULATOR";
        public static final String MANUFACTURER = "MANUFACTURER";
        public static final String CERTIFICATION_BODY = "CERTIFICATION_BODY";
        public static final String OPERATOR = "OPERATOR";
        public static final String SERVICE_PROVIDER = "SERVICE_PROVIDER";
        public static final String RECYCLER = "RECYCLER";
        public static final String ZONE_AUTHORITY = "ZONE_AUTHORITY";
        public static final String ROBOT = "ROBOT";
        public static final String AUDITOR = "AUDITOR";
        public static final String REGISTRY_SERVICE = "REGISTRY_SERVICE";

        private Names() {
        }
    }
}
