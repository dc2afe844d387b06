package io.robotid.system;

import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.grpc.Channel;
import io.grpc.Status;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.FilingServiceGrpc;
import io.robotid.proto.filing.v1.GetManufacturerRequest;
import io.robotid.proto.filing.v1.RegisterManufacturerRequest;
import io.robotid.proto.filing.v1.RegisterProductionSiteRequest;
import io.robotid.system.support.Endpoints;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * robotid against the production provider, a real Keycloak (org.keycloak:keycloak-quarkus-dist from Maven
 * Central, dev mode) configured only from docs/keycloak/robotid-realm.json and `bin/robotid
 * keycloak-client`, as the README tells an administrator: filing and issuance with Keycloak's tokens (its
 * groups as full paths, "/MANUFACTURER"), identity-service following lifecycle-service's feed as the realm's
 * REGISTRY_SERVICE client, and the token faults: no token, another audience, expired, another organisation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeycloakSystemIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path KEYCLOAK = ROOT.resolve("system-tests/target/keycloak/keycloak-26.4.0");
    static final int PORT = 18180;
    static final String BASE = "http://127.0.0.1:" + PORT;
    static final String ISSUER = BASE + "/realms/robotid";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    static Process keycloak;
    static Registry registry;
    static Endpoints endpoints;
    static final Map<String, String[]> clients = new ConcurrentHashMap<>();

    /** A JDK 21 or newer for Keycloak: KEYCLOAK_JAVA_HOME, or the newest under /usr/lib/jvm. */
    static Path keycloakJava() throws IOException {
        String configured = System.getenv("KEYCLOAK_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(j -> feature(j) >= 21).max(Comparator.comparingInt(KeycloakSystemIT::feature))
                    .orElseThrow(() -> new IllegalStateException("Keycloak 26 needs Java 21+: set KEYCLOAK_JAVA_HOME"));
        }
    }

    static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return Integer.parseInt(line.replaceAll("JAVA_VERSION=\"?(\\d+).*", "$1"));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not a JDK
        }
        return 0;
    }

    @BeforeAll
    static void start() throws Exception {
        // a fresh realm every run: dev mode keeps its H2 database in data/
        Path data = KEYCLOAK.resolve("data");
        if (Files.exists(data)) {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(data.resolve("import"));
        Files.copy(ROOT.resolve("docs/keycloak/robotid-realm.json"), data.resolve("import/robotid-realm.json"));
        ProcessBuilder kc = new ProcessBuilder(KEYCLOAK.resolve("bin/kc.sh").toString(), "start-dev", "--http-port=" + PORT,
                "--import-realm").redirectErrorStream(true)
                .redirectOutput(ROOT.resolve("system-tests/target/keycloak.log").toFile());
        kc.environment().put("JAVA_HOME", keycloakJava().toString());
        kc.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        kc.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        kc.environment().put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m");
        keycloak = kc.start();
        Instant until = Instant.now().plusSeconds(240);
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(ISSUER + "/.well-known/openid-configuration")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!keycloak.isAlive() || Instant.now().isAfter(until)) {
                throw new IllegalStateException("Keycloak did not start; see system-tests/target/keycloak.log");
            }
            Thread.sleep(500);
        }
        registry = new Registry()
                .withEnvironment("ROBOTID_OIDC_ISSUER", ISSUER)
                .withEnvironment("ROBOTID_REGISTRY_CLIENT_ID", "REGISTRY_SERVICE")
                .withEnvironment("ROBOTID_REGISTRY_CLIENT_SECRET", secretOf("REGISTRY_SERVICE"))
                .withProperty("robotid.identity.lifecycle-feed.max-retry", "2s")
                .start("filing-service", "identity-service", "lifecycle-service");
        endpoints = new Endpoints() {
            @Override
            public Channel channel(String service) {
                return registry.channel(service);
            }

            @Override
            public String baseUrl(String service) {
                return registry.baseUrl(service);
            }

            @Override
            public String token(String role, String claim, String value) {
                return keycloakToken(role, claim, value);
            }
        };
    }

    @AfterAll
    static void stop() {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (keycloak != null) {
                keycloak.descendants().forEach(ProcessHandle::destroy);
                keycloak.destroy();
            }
        }
    }

    /**
     * A token of the realm: the example client of the realm file for a role without organisation, else the
     * organisation's client that `bin/robotid keycloak-client` adds (once), as the README tells.
     */
    static String keycloakToken(String role, String claim, String value) {
        String[] client = clients.computeIfAbsent(role + " " + claim + "=" + value, key -> {
            if (claim != null) {
                return addClient(role, claim + "=" + value);
            }
            String example = "example-" + role.toLowerCase().replace('_', '-');
            return new String[] {example, secretOf(example)};
        });
        return token(client[0], client[1]);
    }

    record Run(int status, String out, String err) {
    }

    /** bin/robotid against the realm, as its administrator (ROBOTID_KEYCLOAK_ADMIN_PASSWORD) unless told otherwise. */
    static Run robotid(Map<String, String> extra, String... args) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/robotid").toString()));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
            builder.environment().put("ROBOTID_OIDC_ISSUER", ISSUER);
            builder.environment().put("ROBOTID_KEYCLOAK_ADMIN_PASSWORD", "admin");
            builder.environment().put("ROBOTID_STATE_DIR", ROOT.resolve("system-tests/target/keycloak-state").toString());
            builder.environment().putAll(extra);
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new Run(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String[] addClient(String role, String claim) {
        Run run = robotid(Map.of(), "keycloak-client", role, claim);
        String out = run.out();
        assertThat(run.status()).as(out + run.err()).isZero();
        String id = out.replaceAll("(?s).*client_id=(\\S+).*", "$1");
        String secret = out.replaceAll("(?s).*client_secret=(\\S+).*", "$1");
        return new String[] {id, secret};
    }

    static String token(String clientId, String secret) {
        JsonNode answer = post(ISSUER + "/protocol/openid-connect/token", "grant_type=client_credentials&client_id="
                + URLEncoder.encode(clientId, StandardCharsets.UTF_8) + "&client_secret="
                + URLEncoder.encode(secret, StandardCharsets.UTF_8), null);
        assertThat(answer.has("access_token")).as(clientId + ": " + answer).isTrue();
        return answer.get("access_token").asText();
    }

    static JsonNode post(String url, String form, String bearer) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .header("content-type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
            if (bearer != null) {
                request.header("authorization", "Bearer " + bearer);
            }
            String body = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
            return JSON.readTree(body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String adminToken() {
        return post(BASE + "/realms/master/protocol/openid-connect/token",
                "grant_type=password&client_id=admin-cli&username=admin&password=admin", null).get("access_token").asText();
    }

    /** The secret Keycloak generated for a client of the realm file on import (the file holds none). */
    static String secretOf(String clientId) {
        try {
            String admin = adminToken();
            JsonNode found = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(BASE
                    + "/admin/realms/robotid/clients?clientId=" + clientId)).header("authorization", "Bearer " + admin)
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(found).as("client " + clientId).hasSize(1);
            JsonNode secret = JSON.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/robotid/clients/"
                    + found.get(0).get("id").asText() + "/client-secret")).header("authorization", "Bearer " + admin).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(secret.path("value").asText()).as("generated secret of " + clientId).hasSizeGreaterThan(16);
            return secret.get("value").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A client an administrator adds through Keycloak's admin API (for the fault cases only). */
    static void adminAddsClient(String json) throws Exception {
        String admin = adminToken();
        int status = HTTP.send(HttpRequest.newBuilder(URI.create(BASE + "/admin/realms/robotid/clients"))
                .header("authorization", "Bearer " + admin).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).isEqualTo(201);
    }

    static FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        var stub = FilingServiceGrpc.newBlockingStub(registry.channel("filing-service")).withDeadlineAfter(30, TimeUnit.SECONDS);
        return token == null ? stub : Endpoints.as(stub, token);
    }

    static Registrations maker;

    @Test
    @Order(1)
    void aRegulatorAndAManufacturerWithKeycloakTokensFileAModelAndIssueIds() {
        maker = Registrations.accepted(endpoints, "Keycloak Robotics");
        List<String> ids = maker.issue(endpoints, 3);
        assertThat(ids).hasSize(3).allMatch(id -> id.matches("[0-9A-Z]{29}"));
        assertThat(filing(keycloakToken("AUDITOR", null, null)).getManufacturer(GetManufacturerRequest.newBuilder()
                .setCode(maker.manufacturerCode).build()).getManufacturer().getLegalName()).isEqualTo("Keycloak Robotics");
    }

    @Test
    @Order(2)
    void identityServiceFollowsLifecycleServicesFeedAsTheRealmsRegistryServiceClient() throws Exception {
        Instant until = Instant.now().plusSeconds(60);
        String ready = "";
        while (Instant.now().isBefore(until)) {
            ready = HTTP.send(HttpRequest.newBuilder(URI.create(registry.baseUrl("identity-service") + "/q/health/ready"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            if (ready.contains("has every entry up to")) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(ready).contains("has every entry up to").doesNotContain("cannot sign in");
    }

    @Test
    @Order(3)
    void withoutATokenOrWithATokenForAnotherAudienceEveryCallIsUnauthenticated() throws Exception {
        var get = GetManufacturerRequest.newBuilder().setCode(maker.manufacturerCode).build();
        refused(() -> filing(null).getManufacturer(get), Status.Code.UNAUTHENTICATED);
        // a client of the realm without the robotid scope: its tokens are not for robotid
        adminAddsClient("""
                {"clientId":"other-audience","enabled":true,"publicClient":false,"secret":"other-secret",
                 "serviceAccountsEnabled":true,"standardFlowEnabled":false,"defaultClientScopes":["basic"]}""");
        refused(() -> filing(token("other-audience", "other-secret")).getManufacturer(get), Status.Code.UNAUTHENTICATED);
    }

    @Test
    @Order(4)
    void anExpiredKeycloakTokenIsRefusedEvenAfterItWasAccepted() throws Exception {
        adminAddsClient("""
                {"clientId":"short-lived","enabled":true,"publicClient":false,"secret":"short-secret",
                 "serviceAccountsEnabled":true,"standardFlowEnabled":false,"defaultClientScopes":["basic","robotid"],
                 "attributes":{"access.token.lifespan":"3"}}""");
        String shortLived = token("short-lived", "short-secret");
        var get = GetManufacturerRequest.newBuilder().setCode(maker.manufacturerCode).build();
        // accepted while valid (any authenticated caller may read a manufacturer), so the token cache holds it
        assertThat(filing(shortLived).getManufacturer(get).getManufacturer().getCode()).isEqualTo(maker.manufacturerCode);
        Thread.sleep(5_000);
        refused(() -> filing(shortLived).getManufacturer(get), Status.Code.UNAUTHENTICATED);
    }

    @Test
    @Order(6)
    void theToolsRefuseWhatTheyCannotDoAgainstKeycloakSayingWhy() {
        // a claim cannot be asked of an outside provider: refused, not silently dropped
        Run token = robotid(Map.of(), "token", "MANUFACTURER", "manufacturer_code=0021");
        assertThat(token.status()).isEqualTo(2);
        assertThat(token.err()).contains("'manufacturer_code=0021' cannot be asked for");
        Run noPassword = robotid(Map.of("ROBOTID_KEYCLOAK_ADMIN_PASSWORD", ""), "keycloak-client", "OPERATOR", "org_id=org-x");
        assertThat(noPassword.status()).isNotZero();
        assertThat(noPassword.err()).contains("set ROBOTID_KEYCLOAK_ADMIN_PASSWORD");
        Run wrongPassword = robotid(Map.of("ROBOTID_KEYCLOAK_ADMIN_PASSWORD", "wrong"), "keycloak-client", "OPERATOR", "org_id=org-x");
        assertThat(wrongPassword.status()).isNotZero();
        assertThat(wrongPassword.err()).contains("refused the administrator admin");
        Run badValue = robotid(Map.of(), "keycloak-client", "OPERATOR", "org_id=a b");
        assertThat(badValue.status()).isNotZero();
        assertThat(badValue.err()).contains("org_id must be 1 to 64 of");
        // the same organisation twice: the second is refused, the first keeps its client
        assertThat(robotid(Map.of(), "keycloak-client", "OPERATOR", "org_id=org-twice").status()).isZero();
        Run twice = robotid(Map.of(), "keycloak-client", "OPERATOR", "org_id=org-twice");
        assertThat(twice.status()).isNotZero();
        assertThat(twice.err()).contains("already has a client operator-org-twice");
    }

    @Test
    @Order(5)
    void aManufacturersKeycloakClientCannotActForAnotherManufacturer() {
        String other = filing(keycloakToken("REGULATOR", null, null)).registerManufacturer(RegisterManufacturerRequest
                .newBuilder().setRequestId(UUID.randomUUID().toString()).setLegalName("Other Robotics").setCountry("DE")
                .setRegistrationNumber("HRB-" + UUID.randomUUID().toString().substring(0, 8))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Desk")
                        .setEmail("desk@other.example")).build()).getManufacturer().getCode();
        var e = refused(() -> filing(maker.manufacturerToken).registerProductionSite(RegisterProductionSiteRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(other).setName("Plant").setAddress("1 Road")
                .setCountry("DE").build()), Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription()).isNotBlank();
    }
}
