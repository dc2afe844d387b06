package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's local run on a machine where no PostgreSQL answers: `bin/robotid up` with ROBOTID_DB_PORT
 * pointing at a port where nothing listens starts the embedded PostgreSQL (data under the state
 * directory), every service becomes ready on its own port, the demo passes, `status` says which
 * PostgreSQL is in use, `down` stops it all, and the data survives a second `up`. On a JDK 25 or newer (which
 * `up` picks for the services when the machine has one) the first `up` records each service's AOT cache, `down`
 * writes it, and the second `up` starts every service from it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRunEmbeddedPostgresIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path STATE = ROOT.resolve("system-tests/target/local-run-embedded-pg");
    static final int NO_POSTGRES_PORT = 19432;
    static final List<String> SERVICES = List.of("filing-service", "identity-service", "lifecycle-service",
            "certification-service", "geofence-service");
    /** The feature release of the services' JVM, from the first `up`'s output. */
    static int serviceJava;

    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("ROBOTID_STATE_DIR", STATE.toString());
        env.put("ROBOTID_DB_HOST", "127.0.0.1");
        env.put("ROBOTID_DB_PORT", String.valueOf(NO_POSTGRES_PORT));
        env.put("ROBOTID_OIDC_PORT", "19090");
        env.put("ROBOTID_WITNESS_PORTS", "19121 19122 19123");
        env.put("ROBOTID_FILING_SERVICE_PORT", "19102");
        env.put("ROBOTID_IDENTITY_SERVICE_PORT", "19101");
        env.put("ROBOTID_LIFECYCLE_SERVICE_PORT", "19103");
        env.put("ROBOTID_CERTIFICATION_SERVICE_PORT", "19104");
        env.put("ROBOTID_GEOFENCE_SERVICE_PORT", "19105");
        return env;
    }

    record Run(int status, String output) {
    }

    static Run robotid(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("bin/robotid").toString()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("robotid-" + args[0], ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment());
        builder.environment().remove("ROBOTID_OIDC_ISSUER");
        Process p = builder.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/robotid " + String.join(" ", args) + " did not finish within 10 minutes:\n"
                    + Files.readString(output));
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        System.out.println("bin/robotid " + String.join(" ", args) + " ->\n" + text);
        return new Run(p.exitValue(), text);
    }

    static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @org.junit.jupiter.api.BeforeAll
    static void firstRun() throws Exception {
        robotid("down"); // whatever an earlier run of this test left running
        for (String service : SERVICES) { // so that the first up records each AOT cache afresh
            Files.deleteIfExists(ROOT.resolve(service).resolve("target/quarkus-app/app.aot"));
        }
        if (Files.exists(STATE)) {
            try (var files = Files.walk(STATE)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @AfterAll
    static void down() throws Exception {
        robotid("down");
    }

    @Test
    @Order(1)
    void upStartsAnEmbeddedPostgresqlWhenNoneAnswersAndEveryServiceBecomesReady() throws Exception {
        assertThat(listening(NO_POSTGRES_PORT)).as("nothing may listen on the test's PostgreSQL port").isFalse();
        Run up = robotid("up");
        assertThat(up.status()).as(up.output()).isZero();
        assertThat(up.output()).contains("no PostgreSQL answers at 127.0.0.1:" + NO_POSTGRES_PORT
                + ": starting an embedded one").contains("embedded PostgreSQL ready on 127.0.0.1:");
        for (String service : SERVICES) {
            assertThat(up.output()).containsPattern(service + " ready \\(\\d+s since up began\\)");
        }
        java.util.regex.Matcher serviceJvm = java.util.regex.Pattern.compile("services run on \\S+ \\(Java (\\d+)\\)").matcher(up.output());
        assertThat(serviceJvm.find()).as(up.output()).isTrue();
        serviceJava = Integer.parseInt(serviceJvm.group(1));
        if (serviceJava >= 25) {
            for (String service : SERVICES) {
                assertThat(up.output()).contains("starting " + service + " on port").containsPattern(
                        "starting " + service + " on port \\d+, recording its AOT cache");
            }
        }
        assertThat(Files.isDirectory(STATE.resolve("pg/data"))).isTrue();
        Run status = robotid("status");
        assertThat(status.output()).containsPattern("postgresql\\s+embedded, running, pid \\d+\\s+127\\.0\\.0\\.1:\\d+");
    }

    @Test
    @Order(2)
    void theDemoPassesAgainstIt() throws Exception {
        Run demo = robotid("demo");
        assertThat(demo.status()).as(demo.output()).isZero();
        assertThat(demo.output()).contains("every step came out as designed.");
    }

    @Test
    @Order(3)
    void downStopsItAllAndTheDataSurvivesTheNextUp() throws Exception {
        int port = Integer.parseInt(Files.readString(STATE.resolve("pg/port")).strip());
        Run down = robotid("down");
        assertThat(down.status()).isZero();
        assertThat(down.output()).contains("stopping embedded-postgres");
        assertThat(listening(port)).isFalse();
        assertThat(listening(19102)).isFalse();
        assertThat(robotid("status").output()).contains("the embedded one is stopped (data kept in");

        Run again = robotid("up");
        assertThat(again.status()).as(again.output()).isZero();
        // the databases made by the first run are still there
        assertThat(again.output()).contains("database robotid_lifecycle exists");

        if (serviceJava >= 25) { // down wrote each service's AOT cache, and the second up started from it
            String statusAgain = robotid("status").output();
            for (String service : SERVICES) {
                Path cache = ROOT.resolve(service).resolve("target/quarkus-app/app.aot");
                assertThat(cache).as(service + "'s AOT cache").exists();
                assertThat(Files.size(cache)).as(service + "'s AOT cache").isGreaterThan(1_000_000);
                assertThat(again.output()).containsPattern("starting " + service + " on port \\d+, from its AOT cache");
                assertThat(statusAgain).containsPattern(service + "\\s+running, pid \\d+\\s+\\S+ \\(ready; from its AOT cache\\)");
                assertThat(Files.readString(STATE.resolve("logs").resolve(service + ".log")))
                        .as("the JVM refused " + service + "'s AOT cache").doesNotContain("[error][aot]");
            }
        }
    }
}
