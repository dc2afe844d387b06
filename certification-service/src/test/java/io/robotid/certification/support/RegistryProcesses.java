package io.robotid.certification.support;

import io.robotid.testkit.PeerProcesses;

/**
 * The test OIDC server (WireMock, real RS256 JWKS) with a client-credentials token endpoint for this service's
 * REGISTRY_SERVICE client, then real filing-service, identity-service and lifecycle-service processes that
 * trust it, each on its own test database and port.
 */
public class RegistryProcesses extends PeerProcesses {
    public static final int IDENTITY_PORT = 18401;
    public static final int FILING_PORT = 18402;
    public static final int LIFECYCLE_PORT = 18403;

    private static volatile Peers running;

    @Override
    protected void startPeers(Peers peers) {
        running = peers;
        peers.filing(FILING_PORT, "robotid_filing_cert").identity(IDENTITY_PORT, "robotid_identity_cert")
                .lifecycle(LIFECYCLE_PORT, "robotid_lifecycle_cert");
    }

    /** Stops filing-service (to see this service answer UNAVAILABLE). */
    public static void stopFiling() {
        running.stop("filing-service");
    }

    /** Starts filing-service again on the same database, keeping what was filed. */
    public static void restartFiling() {
        running.restart("filing-service");
    }
}
