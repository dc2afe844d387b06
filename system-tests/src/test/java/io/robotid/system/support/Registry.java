package io.robotid.system.support;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.AbstractStub;
import io.robotid.testkit.ServiceProcess;

/**
 * The whole registry as real processes: the local OIDC provider (local-oidc, mock-oauth2-server)
 * and each service from its built jar, on ports and databases of their own (so a local run of
 * {@code bin/robotid up} is never touched), against the real PostgreSQL. Tokens come from the
 * provider by the client-credentials grant, as an ERP system or a robot would get them.
 *
 * <p>Each process's stdout and stderr are kept as an artifact of the test that started it:
 * {@code system-tests/target/service-logs/<test class>/<service>.log} (and {@code local-oidc.log});
 * a restarted service adds to its log. The directory is emptied when a Registry is created.
 */
public final class Registry implements Endpoints, AutoCloseable {
    public static final int OIDC_PORT = 18590;
    /** Service name to port; the database of each is robotid_<short name>_sys. */
    public static final Map<String, Integer> PORTS = new LinkedHashMap<>();
    static {
        PORTS.put("filing-service", 18502);
        PORTS.put("identity-service", 18501);
        PORTS.put("lifecycle-service", 18503);
        PORTS.put("certification-service", 18504);
        PORTS.put("geofence-service", 18505);
    }

    private final Path root = ServiceProcess.repositoryRoot();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> channels = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> extraProperties = new HashMap<>();
    private final Map<String, String> extraEnvironment = new HashMap<>();
    private final Map<String, Map<String, String>> serviceEnvironment = new HashMap<>();
    private final ClientCredentials credentials = new ClientCredentials(issuer());
    private final Path logs;
    private Process oidc;

    /** Logs go to target/service-logs/ named after the class that creates the Registry (the test). */
    public Registry() {
        this(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass().getSimpleName());
    }

    /** Logs go to target/service-logs/{@code name}/. */
    public Registry(String name) {
        logs = root.resolve("system-tests/target/service-logs").resolve(name);
        try {
            Files.createDirectories(logs);
            try (var old = Files.list(logs)) {
                for (Path file : old.toList()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare " + logs, e);
        }
    }

    /** Where each process's output goes: {@code <logs>/<service>.log}. */
    public Path logs() {
        return logs;
    }

    public Path log(String service) {
        return logs.resolve(service + ".log");
    }

    public String issuer() {
        return "http://127.0.0.1:" + OIDC_PORT + "/robotid";
    }

    /** Extra -D properties for every service started after this call (e.g. an OTLP endpoint). */
    public Registry withProperty(String key, String value) {
        extraProperties.put(key, value);
        return this;
    }

    /** Extra environment for every service started after this call (e.g. ROBOTID_OTLP_ENDPOINT). */
    public Registry withEnvironment(String key, String value) {
        extraEnvironment.put(key, value);
        return this;
    }

    /**
     * Extra environment for one service, started after this call, over the environment for all; e.g.
     * {@code ROBOTID_FILING_PORT} to send identity-service's calls to filing-service through a
     * {@link FaultyLink}.
     */
    public Registry withEnvironment(String service, String key, String value) {
        serviceEnvironment.computeIfAbsent(service, s -> new HashMap<>()).put(key, value);
        return this;
    }

    /** Starts the OIDC provider, then the named services in order, each with clean databases. */
    public Registry start(String... names) {
        startOidc();
        for (String name : names) {
            startService(name, true);
        }
        return this;
    }

    /** (Re)starts one service; {@code clean} wipes its database first. */
    public ServiceProcess startService(String name, boolean clean) {
        Integer port = PORTS.get(name);
        if (port == null) {
            throw new IllegalArgumentException("unknown service " + name);
        }
        Map<String, String> properties = new HashMap<>();
        properties.put("robotid.db.name", database(name));
        properties.put("quarkus.flyway.clean-disabled", "false");
        properties.put("quarkus.flyway.clean-at-start", Boolean.toString(clean));
        properties.put("robotid.identity.signing.keys-dir", root.resolve("system-tests/target/keys").toString());
        properties.putAll(extraProperties);
        Map<String, String> environment = new HashMap<>();
        environment.put("ROBOTID_OIDC_ISSUER", issuer());
        PORTS.forEach((peer, peerPort) -> environment.put("ROBOTID_" + shortName(peer).toUpperCase() + "_PORT",
                peerPort.toString()));
        // geofence-service signs receipts and bundles with keys of its own (never identity's)
        environment.put("ROBOTID_GEOFENCE_SIGNING_KEYS_DIR", root.resolve("system-tests/target/geofence-keys").toString());
        environment.putAll(extraEnvironment);
        environment.putAll(serviceEnvironment.getOrDefault(name, Map.of()));
        ServiceProcess process = ServiceProcess.start(name, port, properties, environment, Duration.ofSeconds(120),
                log(name), true);
        services.put(name, process);
        return process;
    }

    public ServiceProcess service(String name) {
        return services.get(name);
    }

    public static String database(String service) {
        return "robotid_" + shortName(service) + "_sys";
    }

    private static String shortName(String service) {
        return service.replace("-service", "");
    }

    /** A channel to a service (plaintext gRPC on its HTTP port). */
    @Override
    public ManagedChannel channel(String service) {
        return channels.computeIfAbsent(service,
                name -> ManagedChannelBuilder.forAddress("127.0.0.1", PORTS.get(name)).usePlaintext().build());
    }

    @Override
    public String baseUrl(String service) {
        return "http://127.0.0.1:" + PORTS.get(service);
    }

    /** A stub that sends {@code token} as its bearer token. */
    public static <S extends AbstractStub<S>> S as(S stub, String token) {
        return Endpoints.as(stub, token);
    }

    /**
     * An access token from the OIDC provider by the client-credentials grant. The local provider
     * makes the client id the role ({@code groups}) and copies an organisation claim from the
     * request (see local-oidc/src/main/config/mock-oauth2-server.json).
     */
    @Override
    public String token(String role, String claim, String value) {
        return credentials.token(role, claim, value);
    }

    @Override
    public String token(String role) {
        return token(role, null, null);
    }

    private void startOidc() {
        if (oidc != null) {
            return;
        }
        Path lib = root.resolve("local-oidc/target/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing: build local-oidc first");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", lib + File.separator + "*", "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt"));
        try {
            Path log = log("local-oidc");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("SERVER_HOSTNAME", "127.0.0.1");
            builder.environment().put("SERVER_PORT", Integer.toString(OIDC_PORT));
            builder.environment().put("JSON_CONFIG_PATH",
                    root.resolve("local-oidc/src/main/config/mock-oauth2-server.json").toString());
            oidc = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the OIDC provider", e);
        }
        Instant until = Instant.now().plusSeconds(60);
        URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
        while (Instant.now().isBefore(until)) {
            try {
                if (http.send(HttpRequest.newBuilder(discovery).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new IllegalStateException("the OIDC provider did not start; see " + log("local-oidc"));
    }

    @Override
    public void close() {
        channels.values().forEach(channel -> {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<ServiceProcess> running = new ArrayList<>(services.values());
        java.util.Collections.reverse(running);
        running.forEach(ServiceProcess::close);
        if (oidc != null) {
            oidc.destroy();
            try {
                oidc.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
