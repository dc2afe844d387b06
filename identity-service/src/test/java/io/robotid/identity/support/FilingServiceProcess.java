package io.robotid.identity.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.testkit.ServiceProcess;
import io.robotid.testkit.Tokens;
import io.smallrye.jwt.build.Jwt;

/**
 * The test OIDC server (WireMock, real RS256 JWKS) with a client-credentials token endpoint for
 * the public page's REGISTRY_SERVICE client, and then a real filing-service process that trusts
 * it, on its own database, so identity-service checks models against the real thing.
 */
public class FilingServiceProcess extends OidcWiremockTestResource {
    public static final int PORT = 18202;
    /** Relative to the server root; application.properties points quarkus.oidc-client.token-path here. */
    static final String TOKEN_PATH = "/auth/realms/quarkus/registry-service-token";
    private ServiceProcess filing;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String keycloak = config.getOrDefault("keycloak.url", "http://localhost:8180/auth");
        stubRegistryServiceToken(URI.create(keycloak));
        String issuerUrl = keycloak + "/realms/quarkus/";
        filing = ServiceProcess.start("filing-service", PORT,
                Map.of("robotid.db.name", "robotid_filing_it",
                        "quarkus.flyway.clean-at-start", "true",
                        "quarkus.flyway.clean-disabled", "false",
                        "quarkus.oidc.auth-server-url", issuerUrl,
                        "quarkus.oidc.token.issuer", "https://server.example.com"),
                Map.of(), Duration.ofSeconds(90));
        return config;
    }

    /** The page's own token (client credentials): a real RS256 token of role REGISTRY_SERVICE. */
    private static void stubRegistryServiceToken(URI keycloak) {
        String token = Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("identity-service")
                .groups(Set.of("REGISTRY_SERVICE")).expiresIn(3600).jws().keyId("1").sign("privateKey.jwk");
        new WireMock(keycloak.getHost(), keycloak.getPort()).register(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
    }

    @Override
    public synchronized void stop() {
        if (filing != null) {
            filing.close();
        }
        super.stop();
    }
}
