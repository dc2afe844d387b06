package io.robotid.system.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.robotid.system.life.GeofenceSteps;
import io.robotid.system.life.RobotLife;
import io.robotid.system.support.ClientCredentials;
import io.robotid.system.support.Endpoints;

/**
 * {@code bin/robotid demo}: one robot's whole life ({@link RobotLife}, the same steps as the
 * system test RobotWholeLifeSystemIT) against the local run started by {@code bin/robotid up},
 * printed step by step, ending with the URL of the robot's public page. Exit status 0 when every
 * step came out as the design says, 1 when one did not (the message says which), 2 when the local
 * run is not up.
 *
 * <p>Where things are: system properties {@code robotid.demo.issuer} (default
 * {@code http://127.0.0.1:8090/robotid}) and {@code robotid.demo.port.<service>} (defaults 8101-8105),
 * which bin/robotid sets from its own settings.
 */
public final class Demo {
    static final Map<String, Integer> DEFAULT_PORTS = new LinkedHashMap<>();
    static {
        DEFAULT_PORTS.put("identity-service", 8101);
        DEFAULT_PORTS.put("filing-service", 8102);
        DEFAULT_PORTS.put("lifecycle-service", 8103);
        DEFAULT_PORTS.put("certification-service", 8104);
        DEFAULT_PORTS.put("geofence-service", 8105);
    }

    private Demo() {
    }

    /** The local run as a client sees it. */
    static final class LocalRun implements Endpoints, AutoCloseable {
        final Map<String, Integer> ports = new LinkedHashMap<>();
        final ClientCredentials credentials;
        final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

        LocalRun(String issuer, Map<String, Integer> ports) {
            credentials = new ClientCredentials(issuer);
            this.ports.putAll(ports);
        }

        @Override
        public ManagedChannel channel(String service) {
            return channels.computeIfAbsent(service,
                    s -> ManagedChannelBuilder.forAddress("127.0.0.1", ports.get(s)).usePlaintext().build());
        }

        @Override
        public String baseUrl(String service) {
            return "http://127.0.0.1:" + ports.get(service);
        }

        @Override
        public String token(String role, String claim, String value) {
            return credentials.token(role, claim, value);
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
        }
    }

    public static void main(String[] args) {
        String issuer = System.getProperty("robotid.demo.issuer", "http://127.0.0.1:8090/robotid");
        Map<String, Integer> ports = new LinkedHashMap<>();
        DEFAULT_PORTS.forEach((service, port) -> ports.put(service, Integer.getInteger("robotid.demo.port." + service, port)));
        System.exit(run(issuer, ports, System.out, System.err));
    }

    /**
     * Tells the story against the registry at {@code issuer} and {@code ports} (service name to
     * port on 127.0.0.1).
     *
     * @return the exit status: 0 every step came out as designed, 1 one did not, 2 the registry is not up
     */
    public static int run(String issuer, Map<String, Integer> ports, PrintStream out, PrintStream err) {
        try (LocalRun run = new LocalRun(issuer, ports)) {
            return run(run, out, err);
        }
    }

    static int run(LocalRun run, PrintStream out, PrintStream err) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        if (!answers(http, run.credentials.issuer() + "/.well-known/openid-configuration")) {
            err.println("robotid demo: no OIDC provider at " + run.credentials.issuer()
                    + "; start the local run first: bin/robotid up");
            return 2;
        }
        for (String service : run.ports.keySet()) {
            if (!answers(http, run.baseUrl(service) + "/q/health/ready")) {
                err.println("robotid demo: " + service + " is not ready at " + run.baseUrl(service)
                        + "; start the local run first: bin/robotid up");
                return 2;
            }
        }
        out.println("A robot's whole life, against the registry at " + String.join(", ", run.ports.entrySet().stream()
                .map(e -> e.getKey() + " " + run.baseUrl(e.getKey())).toList()) + ", tokens from " + run.credentials.issuer()
                + ". Every call goes through the services' public APIs, as the roles named.");
        RobotLife life = new RobotLife(run, out, new GeofenceSteps());
        try {
            life.live();
        } catch (AssertionError | RuntimeException e) {
            out.println();
            out.println("The demo stopped: " + e.getMessage());
            if (life.pageUrl != null) {
                out.println("The robot's public page: " + life.pageUrl);
            }
            return 1;
        }
        out.println();
        out.println("Done: " + life.robot.getRobotId() + " went through " + life.events.size()
                + " recorded events from PRODUCED to RECYCLED; every step came out as designed.");
        out.println("The robot's public page: " + life.pageUrl);
        return 0;
    }

    static boolean answers(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
