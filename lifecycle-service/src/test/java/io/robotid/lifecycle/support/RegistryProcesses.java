package io.robotid.lifecycle.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.testkit.ServiceProcess;

/**
 * The test OIDC server, then real filing-service and identity-service processes that trust it,
 * each on its own test database: lifecycle-service checks robot IDs against the real identity.
 */
public class RegistryProcesses extends OidcWiremockTestResource {
    public static final int FILING_PORT = 18302;
    public static final int IDENTITY_PORT = 18201;
    private ServiceProcess filing;
    private ServiceProcess identity;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String issuerUrl = config.getOrDefault("keycloak.url", "http://localhost:8180/auth") + "/realms/quarkus/";
        Map<String, String> common = Map.of("quarkus.flyway.clean-at-start", "true",
                "quarkus.flyway.clean-disabled", "false",
                "quarkus.oidc.auth-server-url", issuerUrl,
                "quarkus.oidc.token.issuer", "https://server.example.com");
        Map<String, String> filingProps = new HashMap<>(common);
        filingProps.put("robotid.db.name", "robotid_filing_lc");
        filing = ServiceProcess.start("filing-service", FILING_PORT, filingProps, Map.of(), Duration.ofSeconds(90));
        Map<String, String> identityProps = new HashMap<>(common);
        identityProps.put("robotid.db.name", "robotid_identity_lc");
        identityProps.put("quarkus.grpc.clients.filing.port", Integer.toString(FILING_PORT));
        identityProps.put("robotid.identity.signing.keys-dir", Path.of("target", "it-keys").toAbsolutePath().toString());
        // identity-service retiring IDs from lifecycle-service's feed is not under test here (system-tests)
        identityProps.put("robotid.identity.lifecycle-feed.enabled", "false");
        identity = ServiceProcess.start("identity-service", IDENTITY_PORT, identityProps, Map.of(), Duration.ofSeconds(90));
        return config;
    }

    @Override
    public synchronized void stop() {
        if (identity != null) {
            identity.close();
        }
        if (filing != null) {
            filing.close();
        }
        super.stop();
    }
}
