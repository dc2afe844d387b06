package io.robotid.identity.support;

import io.robotid.testkit.PeerProcesses;

/**
 * The test OIDC server (WireMock, real RS256 JWKS) with a client-credentials token endpoint for the public
 * page's REGISTRY_SERVICE client, and then a real filing-service process that trusts it, on its own database,
 * so identity-service checks models against the real thing.
 */
public class FilingServiceProcess extends PeerProcesses {
    public static final int PORT = 18202;

    @Override
    protected void startPeers(Peers peers) {
        peers.filing(PORT, "robotid_filing_it");
    }
}
