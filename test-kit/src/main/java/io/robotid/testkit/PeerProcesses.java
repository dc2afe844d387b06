package io.robotid.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.smallrye.jwt.build.Jwt;

/**
 * The peers a service's integration tests call, as real processes: the test OIDC server (WireMock, a real RS256
 * JWKS) with a client-credentials token endpoint of role REGISTRY_SERVICE, then each peer the service names, its
 * own {@code quarkus-run.jar} on its own test database and port, trusting that server and wired to the peers
 * started before it (filing, then identity, lifecycle, certification). A service's {@code RegistryProcesses}
 * says only which peers, on which ports and databases:
 *
 * <pre>
 * public class RegistryProcesses extends PeerProcesses {
 *     protected void startPeers(Peers peers) {
 *         peers.filing(18302, "robotid_filing_lc").identity(18201, "robotid_identity_lc");
 *     }
 * }
 * </pre>
 */
public abstract class PeerProcesses extends OidcWiremockTestResource {
    /** Relative to the OIDC server's root; the services' test profiles point quarkus.oidc-client.token-path here. */
    public static final String TOKEN_PATH = "/auth/realms/quarkus/registry-service-token";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private Peers peers;

    /** Starts the peers this service's tests need, in order. */
    protected abstract void startPeers(Peers peers);

    /** The peers of the running test resource (to stop and restart one). */
    protected Peers peers() {
        return peers;
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String keycloak = config.getOrDefault("keycloak.url", "http://localhost:8180/auth");
        stubRegistryServiceToken(URI.create(keycloak));
        peers = new Peers(keycloak);
        startPeers(peers);
        return config;
    }

    @Override
    public synchronized void stop() {
        if (peers != null) {
            peers.close();
            peers = null;
        }
        super.stop();
    }

    /** The token endpoint quarkus-oidc-client calls with client credentials: a real signed REGISTRY_SERVICE token. */
    private static void stubRegistryServiceToken(URI keycloak) {
        String token = Jwt.issuer(Tokens.ISSUER).audience(Tokens.AUDIENCE).subject("registry-service")
                .groups(Set.of("REGISTRY_SERVICE")).expiresIn(3600).jws().keyId("1").sign("privateKey.jwk");
        new WireMock(keycloak.getHost(), keycloak.getPort()).register(post(urlPathEqualTo(TOKEN_PATH))
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
    }

    /** The peer processes of one test resource, started in order and stopped in reverse. */
    public static final class Peers implements AutoCloseable {
        private final String keycloak;
        private final Map<String, Integer> ports = new HashMap<>();
        private final Map<String, Map<String, String>> properties = new HashMap<>();
        private final Map<String, ServiceProcess> running = new LinkedHashMap<>();

        Peers(String keycloak) {
            this.keycloak = keycloak;
        }

        /** filing-service. */
        public Peers filing(int port, String database) {
            return start("filing-service", port, database, Map.of());
        }

        /** identity-service, asking filing; its keys in target/it-keys; not retiring IDs from lifecycle's feed. */
        public Peers identity(int port, String database) {
            return start("identity-service", port, database, Map.of(
                    "quarkus.grpc.clients.filing.port", port("filing-service"),
                    "robotid.identity.signing.keys-dir", Path.of("target", "it-keys").toAbsolutePath().toString(),
                    // retiring IDs from lifecycle-service's feed is under test in system-tests, not here
                    "robotid.identity.lifecycle-feed.enabled", "false"));
        }

        /** lifecycle-service, asking identity and filing. */
        public Peers lifecycle(int port, String database) {
            return start("lifecycle-service", port, database, Map.of(
                    "quarkus.grpc.clients.identity.port", port("identity-service"),
                    "quarkus.grpc.clients.filing.port", port("filing-service")));
        }

        /** certification-service, asking identity and filing, following lifecycle's feed with its own token. */
        public Peers certification(int port, String database) {
            return start("certification-service", port, database, Map.of(
                    "quarkus.grpc.clients.identity.port", port("identity-service"),
                    "quarkus.grpc.clients.filing.port", port("filing-service"),
                    "quarkus.grpc.clients.lifecycle.port", port("lifecycle-service"),
                    "quarkus.oidc-client.discovery-enabled", "false",
                    "quarkus.oidc-client.auth-server-url", keycloak + "/realms/quarkus/",
                    "quarkus.oidc-client.token-path", keycloak + "/realms/quarkus/registry-service-token"));
        }

        /** Stops a peer (to see the service under test answer UNAVAILABLE). */
        public synchronized void stop(String service) {
            ServiceProcess process = running.remove(service);
            if (process != null) {
                process.close();
            }
        }

        /** Starts a stopped peer again on the same database, keeping what it stored. */
        public synchronized void restart(String service) {
            if (!running.containsKey(service)) {
                Map<String, String> props = new HashMap<>(properties.get(service));
                props.put("quarkus.flyway.clean-at-start", "false");
                props.put("quarkus.flyway.clean-disabled", "true");
                running.put(service, ServiceProcess.start(service, ports.get(service), props, Map.of(), START_TIMEOUT));
            }
        }

        private synchronized Peers start(String service, int port, String database, Map<String, String> wiring) {
            Map<String, String> props = new HashMap<>(wiring);
            props.put("robotid.db.name", database);
            props.put("quarkus.oidc.auth-server-url", keycloak + "/realms/quarkus/");
            props.put("quarkus.oidc.token.issuer", Tokens.ISSUER);
            props.put("quarkus.flyway.clean-at-start", "true");
            props.put("quarkus.flyway.clean-disabled", "false");
            ports.put(service, port);
            properties.put(service, Map.copyOf(props));
            running.put(service, ServiceProcess.start(service, port, props, Map.of(), START_TIMEOUT));
            return this;
        }

        private String port(String service) {
            Integer port = ports.get(service);
            if (port == null) {
                throw new IllegalStateException(service + " must be started before the peers that call it");
            }
            return Integer.toString(port);
        }

        @Override
        public synchronized void close() {
            List<ServiceProcess> reverse = new ArrayList<>(running.values());
            java.util.Collections.reverse(reverse);
            reverse.forEach(ServiceProcess::close);
            running.clear();
        }
    }
}
