package io.robotid.lifecycle.support;

import io.robotid.testkit.PeerProcesses;

/**
 * The test OIDC server, then real filing-service and identity-service processes that trust it, each on its
 * own test database: lifecycle-service checks robot IDs against the real identity.
 */
public class RegistryProcesses extends PeerProcesses {
    public static final int FILING_PORT = 18302;
    public static final int IDENTITY_PORT = 18201;

    @Override
    protected void startPeers(Peers peers) {
        peers.filing(FILING_PORT, "robotid_filing_lc").identity(IDENTITY_PORT, "robotid_identity_lc");
    }
}
