package io.robotid.geofence.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.net.URI;
import java.nio.file.Path;
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
 * The test OIDC server (WireMock, real RS256 JWKS) with a client-credentials token endpoint of role
 * REGISTRY_SERVICE, then real filing, identity, lifecycle and certification processes that trust it, each
 * on its own test database and port. geofence-service under test follows the real lifecycle and
 * certification feeds and asks the real filing-service for intelligence levels.
 */
public class RegistryProcesses extends OidcWiremockTestResource {
    public static final int IDENTITY_PORT = 18701;
    public static final int FILING_PORT = 18702;
    public static final int LIFECYCLE_PORT = 18703;
    public static final int CERTIFICATION_PORT = 18704;
    static final String TOKEN_PATH = "/auth/realms/quarkus/registry-service-token";

    private static ServiceProcess filing;
    private static ServiceProcess identity;
    private static ServiceProcess lifecycle;
    private static ServiceProcess certification;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String keycloak = config.getOrDefault("keycloak.url", "http://localhost:8180/auth");
        stubRegistryServiceToken(URI.create(keycloak));
        String issuerUrl = keycloak + "/realms/quarkus/";
        Map<String, String> common = Map.of("quarkus.oidc.auth-server-url", issuerUrl, "quarkus.oidc.token.issuer", Tokens.ISSUER,
                "quarkus.flyway.clean-at-start", "true", "quarkus.flyway.clean-disabled", "false");
        Map<String, String> filingProps = new HashMap<>(common);
        filingProps.put("robotid.db.name", "robotid_filing_geo");
        filing = ServiceProcess.start("filing-service", FILING_PORT, filingProps, Map.of(), Duration.ofSeconds(120));
        Map<String, String> identityProps = new HashMap<>(common);
        identityProps.put("robotid.db.name", "robotid_identity_geo");
        identityProps.put("quarkus.grpc.clients.filing.port", Integer.toString(FILING_PORT));
        identityProps.put("robotid.identity.signing.keys-dir", Path.of("target", "it-keys").toAbsolutePath().toString());
        // identity-service retiring IDs from lifecycle-service's feed is not under test here (system-tests)
        identityProps.put("robotid.identity.lifecycle-feed.enabled", "false");
        identity = ServiceProcess.start("identity-service", IDENTITY_PORT, identityProps, Map.of(), Duration.ofSeconds(120));
        Map<String, String> lifecycleProps = new HashMap<>(common);
        lifecycleProps.put("robotid.db.name", "robotid_lifecycle_geo");
        lifecycleProps.put("quarkus.grpc.clients.identity.port", Integer.toString(IDENTITY_PORT));
        lifecycleProps.put("quarkus.grpc.clients.filing.port", Integer.toString(FILING_PORT));
        lifecycle = ServiceProcess.start("lifecycle-service", LIFECYCLE_PORT, lifecycleProps, Map.of(), Duration.ofSeconds(120));
        Map<String, String> certificationProps = new HashMap<>(common);
        certificationProps.put("robotid.db.name", "robotid_certification_geo");
        certificationProps.put("quarkus.grpc.clients.identity.port", Integer.toString(IDENTITY_PORT));
        certificationProps.put("quarkus.grpc.clients.filing.port", Integer.toString(FILING_PORT));
        certificationProps.put("quarkus.grpc.clients.lifecycle.port", Integer.toString(LIFECYCLE_PORT));
        certificationProps.put("quarkus.oidc-client.discovery-enabled", "false");
        certificationProps.put("quarkus.oidc-client.auth-server-url", issuerUrl);
        certificationProps.put("quarkus.oidc-client.token-path", keycloak + "/realms/quarkus/registry-service-token");
        certification = ServiceProcess.start("certification-service", CERTIFICATION_PORT, certificationProps, Map.of(),
                Duration.ofSeconds(120));
        return config;
    }

    /** The token endpoint quarkus-oidc-client calls with client credentials: a signed REGISTRY_SERVICE token. */
    private static void stubRegistryServiceToken(URI keycloak) {
        String token = Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("registry-service")
                .groups(Set.of("REGISTRY_SERVICE")).expiresIn(3600).jws().keyId("1").sign("privateKey.jwk");
        new WireMock(keycloak.getHost(), keycloak.getPort()).register(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
    }

    @Override
    public synchronized void stop() {
        for (ServiceProcess process : new ServiceProcess[] {certification, lifecycle, identity, filing}) {
            if (process != null) {
                process.close();
            }
        }
        certification = null;
        lifecycle = null;
        identity = null;
        filing = null;
        super.stop();
    }
}
