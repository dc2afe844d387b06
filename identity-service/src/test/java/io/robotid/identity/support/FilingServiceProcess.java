package io.robotid.identity.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.testkit.ServiceProcess;

/**
 * The test OIDC server (WireMock, real RS256 JWKS) and then a real filing-service process that
 * trusts it, on its own database, so identity-service checks models against the real thing.
 */
public class FilingServiceProcess extends OidcWiremockTestResource {
    public static final int PORT = 18202;
    private ServiceProcess filing;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String issuerUrl = config.getOrDefault("keycloak.url", "http://localhost:8180/auth") + "/realms/quarkus/";
        filing = ServiceProcess.start("filing-service", PORT,
                Map.of("robotid.db.name", "robotid_filing_it",
                        "quarkus.flyway.clean-at-start", "true",
                        "quarkus.flyway.clean-disabled", "false",
                        "quarkus.oidc.auth-server-url", issuerUrl,
                        "quarkus.oidc.token.issuer", "https://server.example.com"),
                Map.of(), Duration.ofSeconds(90));
        return config;
    }

    @Override
    public synchronized void stop() {
        if (filing != null) {
            filing.close();
        }
        super.stop();
    }
}
