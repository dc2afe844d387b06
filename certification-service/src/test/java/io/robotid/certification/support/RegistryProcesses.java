package io.robotid.certification.support;

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
 * The test OIDC server (WireMock, real RS256 JWKS) with a client-credentials token endpoint for
 * this service's REGISTRY_SERVICE client, then real filing-service, identity-service and
 * lifecycle-service processes that trust it, each on its own test database and port.
 */
public class RegistryProcesses extends OidcWiremockTestResource {
    public static final int IDENTITY_PORT = 18401;
    public static final int FILING_PORT = 18402;
    public static final int LIFECYCLE_PORT = 18403;
    /** Relative to the realm URL; application.properties points quarkus.oidc-client.token-path here. */
    static final String TOKEN_PATH = "/auth/realms/quarkus/registry-service-token";

    private static ServiceProcess filing;
    private static ServiceProcess identity;
    private static ServiceProcess lifecycle;
    private static Map<String, String> common;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String keycloak = config.getOrDefault("keycloak.url", "http://localhost:8180/auth");
        stubRegistryServiceToken(URI.create(keycloak));
        String issuerUrl = keycloak + "/realms/quarkus/";
        common = Map.of("quarkus.oidc.auth-server-url", issuerUrl, "quarkus.oidc.token.issuer", Tokens.ISSUER);
        filing = startFiling(true);
        Map<String, String> identityProps = props(true);
        identityProps.put("robotid.db.name", "robotid_identity_cert");
        identityProps.put("quarkus.grpc.clients.filing.port", Integer.toString(FILING_PORT));
        identityProps.put("robotid.identity.signing.keys-dir", Path.of("target", "it-keys").toAbsolutePath().toString());
        // identity-service retiring IDs from lifecycle-service's feed is not under test here (system-tests)
        identityProps.put("robotid.identity.lifecycle-feed.enabled", "false");
        identity = ServiceProcess.start("identity-service", IDENTITY_PORT, identityProps, Map.of(), Duration.ofSeconds(120));
        Map<String, String> lifecycleProps = props(true);
        lifecycleProps.put("robotid.db.name", "robotid_lifecycle_cert");
        lifecycleProps.put("quarkus.grpc.clients.identity.port", Integer.toString(IDENTITY_PORT));
        lifecycleProps.put("quarkus.grpc.clients.filing.port", Integer.toString(FILING_PORT));
        lifecycle = ServiceProcess.start("lifecycle-service", LIFECYCLE_PORT, lifecycleProps, Map.of(),
                Duration.ofSeconds(120));
        return config;
    }

    /**
     * The token endpoint quarkus-oidc-client calls with client credentials: a real signed token of
     * role REGISTRY_SERVICE (as Tokens.role makes, valid for an hour so long runs keep it).
     */
    private static void stubRegistryServiceToken(URI keycloak) {
        String token = Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("certification-service")
                .groups(Set.of("REGISTRY_SERVICE")).expiresIn(3600).jws().keyId("1").sign("privateKey.jwk");
        new WireMock(keycloak.getHost(), keycloak.getPort()).register(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
    }

    private static Map<String, String> props(boolean clean) {
        Map<String, String> props = new HashMap<>(common);
        props.put("quarkus.flyway.clean-at-start", Boolean.toString(clean));
        props.put("quarkus.flyway.clean-disabled", Boolean.toString(!clean));
        return props;
    }

    private static ServiceProcess startFiling(boolean clean) {
        Map<String, String> filingProps = props(clean);
        filingProps.put("robotid.db.name", "robotid_filing_cert");
        return ServiceProcess.start("filing-service", FILING_PORT, filingProps, Map.of(), Duration.ofSeconds(120));
    }

    /** Stops filing-service (to see this service answer UNAVAILABLE). */
    public static synchronized void stopFiling() {
        if (filing != null) {
            filing.close();
            filing = null;
        }
    }

    /** Starts filing-service again on the same database, keeping what was filed. */
    public static synchronized void restartFiling() {
        if (filing == null) {
            filing = startFiling(false);
        }
    }

    @Override
    public synchronized void stop() {
        for (ServiceProcess process : new ServiceProcess[] { lifecycle, identity, filing }) {
            if (process != null) {
                process.close();
            }
        }
        lifecycle = null;
        identity = null;
        filing = null;
        super.stop();
    }
}
