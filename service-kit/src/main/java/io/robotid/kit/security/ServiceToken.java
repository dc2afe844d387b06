package io.robotid.kit.security;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.Tokens;
import io.smallrye.mutiny.Uni;

/**
 * A service's own access token, for the calls it makes on nobody's behalf (following a peer's feed,
 * reading for an anonymous viewer): OAuth2 client credentials of the REGISTRY_SERVICE client
 * (quarkus-oidc-client, {@code quarkus.oidc-client.*}), cached until it expires or nears its refresh
 * interval. Not a bean of the kit, since only the services that act on their own behalf have
 * quarkus-oidc-client (optional here): each of them produces it, {@code @Produces @Singleton ServiceToken
 * serviceToken(OidcClient oidc) { return new ServiceToken(oidc); }}.
 */
public class ServiceToken {
    private final OidcClient oidc;
    private final String client;
    private volatile Tokens tokens;

    /** The service could not get a token: the message names the client and the provider, for the log and readiness. */
    public static final class SignInFailed extends RuntimeException {
        SignInFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public ServiceToken(OidcClient oidc) {
        this.oidc = oidc;
        var config = ConfigProvider.getConfig();
        this.client = "'" + config.getOptionalValue("quarkus.oidc-client.client-id", String.class).orElse("(none)") + "' at "
                + config.getOptionalValue("quarkus.oidc-client.auth-server-url", String.class).orElse("(no provider)");
    }

    /** A valid access token: the cached one, or a new one from the token endpoint. */
    public Uni<String> get() {
        Tokens current = tokens;
        if (current != null && !current.isAccessTokenExpired() && !current.isAccessTokenWithinRefreshInterval()) {
            return Uni.createFrom().item(current.getAccessToken());
        }
        return oidc.getTokens().invoke(fresh -> tokens = fresh).map(Tokens::getAccessToken)
                .onFailure().transform(f -> new SignInFailed("cannot sign in as the REGISTRY_SERVICE client " + client
                        + " (ROBOTID_REGISTRY_CLIENT_ID / _SECRET; does the provider have this client, with this secret?): "
                        + f.getMessage(), f));
    }

    /** Forgets the cached token (after a peer refused it). */
    public void forget() {
        tokens = null;
    }
}
