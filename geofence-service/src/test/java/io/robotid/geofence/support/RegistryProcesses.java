package io.robotid.geofence.support;

import io.robotid.testkit.PeerProcesses;

/**
 * The test OIDC server (WireMock, real RS256 JWKS) with a client-credentials token endpoint of role
 * REGISTRY_SERVICE, then real filing, identity, lifecycle and certification processes that trust it, each on
 * its own test database and port. geofence-service under test follows the real lifecycle and certification
 * feeds and asks the real filing-service for intelligence levels.
 */
public class RegistryProcesses extends PeerProcesses {
    public static final int IDENTITY_PORT = 18701;
    public static final int FILING_PORT = 18702;
    public static final int LIFECYCLE_PORT = 18703;
    public static final int CERTIFICATION_PORT = 18704;

    @Override
    protected void startPeers(Peers peers) {
        peers.filing(FILING_PORT, "robotid_filing_geo").identity(IDENTITY_PORT, "robotid_identity_geo")
                .lifecycle(LIFECYCLE_PORT, "robotid_lifecycle_geo").certification(CERTIFICATION_PORT, "robotid_certification_geo");
    }
}
