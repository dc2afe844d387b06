package io.robotid.geofence.client;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.smallrye.mutiny.Uni;

/**
 * This service's own access token: OAuth2 client credentials of the REGISTRY_SERVICE client
 * (quarkus-oidc-client, {@code quarkus.oidc-client.*}), cached until it is about to expire.
 */
@ApplicationScoped
public class RegistryToken {
    private final OidcClient oidc;
    private volatile Tokens tokens;

    public RegistryToken(OidcClient oidc) {
        this.oidc = oidc;
    }

    public Uni<String> get() {
        Tokens current = tokens;
        if (current != null && !current.isAccessTokenExpired() && !current.isAccessTokenWithinRefreshInterval()) {
            return Uni.createFrom().item(current.getAccessToken());
        }
        return oidc.getTokens().invoke(fresh -> tokens = fresh).map(Tokens::getAccessToken);
    }

    /** Forgets the cached token (after a peer refused it). */
    public void forget() {
        tokens = null;
    }
}
