package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.robotid.system.support.Registry;

/**
 * Readiness tells the truth about feed followers (identity-service's, on lifecycle-service's feed): a
 * follower that has not caught up since its service started (the feed's publisher down, or the service
 * unable to sign in as its REGISTRY_SERVICE client) turns check "feeds" DOWN once it has been behind for
 * longer than robotid.feeds.max-lag, saying why, and the log names the client; once the cause is gone the
 * service is ready again; a follower that falls behind after it had caught up leaves the service ready,
 * reported degraded with the reason (one peer down must not take its followers out of service).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FeedReadinessIT {
    static Registry registry;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        registry = new Registry()
                .withEnvironment("identity-service", "ROBOTID_FEEDS_MAX_LAG", "15s")
                .withProperty("robotid.identity.lifecycle-feed.max-retry", "1s")
                .start("filing-service", "identity-service");
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static JsonNode ready() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registry.baseUrl("identity-service")
                    + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            assertThat(r.statusCode()).isEqualTo(body.path("status").asText().equals("UP") ? 200 : 503);
            return body;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode feeds(JsonNode health) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("feeds")) {
                return check;
            }
        }
        throw new AssertionError("no readiness check feeds in " + health);
    }

    static JsonNode awaitFeeds(Predicate<JsonNode> condition, Duration within) throws InterruptedException {
        Instant until = Instant.now().plus(within);
        JsonNode last = null;
        while (Instant.now().isBefore(until)) {
            last = feeds(ready());
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("readiness check feeds never matched within " + within + "; last: " + last);
    }

    @Test
    @Order(1)
    void withLifecycleServiceDownTheFollowerIsUnreadyOnceBehindLongerThanTheMaximumAndSaysWhy() throws Exception {
        JsonNode down = awaitFeeds(f -> f.path("status").asText().equals("DOWN"), Duration.ofSeconds(45));
        assertThat(down.path("data").path("lifecycle").asText()).startsWith("behind for ")
                .contains("never caught up since start").contains("the stream failed")
                .contains("UNAVAILABLE");
        assertThat(ready().path("status").asText()).isEqualTo("DOWN");
    }

    @Test
    @Order(2)
    void onceLifecycleServiceIsUpTheFollowerCatchesUpAndTheServiceIsReadyAgain() throws Exception {
        registry.startService("lifecycle-service", true);
        // grpc-java's channel to a peer that was down backs off its reconnects (up to 2 minutes)
        JsonNode up = awaitFeeds(f -> f.path("status").asText().equals("UP"), Duration.ofSeconds(150));
        assertThat(up.path("data").path("lifecycle").asText()).startsWith("has every entry up to ");
        assertThat(ready().path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(3)
    void aFollowerThatHadCaughtUpStaysReadyWhenItsPublisherGoesAwayReportedDegradedWithTheReason() throws Exception {
        registry.service("lifecycle-service").close();
        JsonNode degraded = awaitFeeds(f -> f.path("data").path("lifecycle").asText()
                .matches("degraded: behind for (1[6-9]|[2-9][0-9]|[0-9]{3,}) s .*"), Duration.ofSeconds(45));
        assertThat(degraded.path("status").asText()).isEqualTo("UP");
        assertThat(degraded.path("data").path("lifecycle").asText()).contains("the stream failed");
        assertThat(ready().path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(4)
    void aServiceThatCannotSignInAsItsRegistryClientIsUnreadyAndItsLogNamesTheClient() throws Exception {
        registry.service("identity-service").close();
        registry.withEnvironment("identity-service", "QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", "http://127.0.0.1:9/robotid")
                .startService("identity-service", false);
        JsonNode down = awaitFeeds(f -> f.path("status").asText().equals("DOWN"), Duration.ofSeconds(45));
        assertThat(down.path("data").path("lifecycle").asText()).contains("never caught up since start")
                .contains("cannot sign in as the REGISTRY_SERVICE client 'REGISTRY_SERVICE' at http://127.0.0.1:9/robotid");
        assertThat(Files.readString(registry.log("identity-service")))
                .contains("the lifecycle feed cannot be followed: cannot sign in as the REGISTRY_SERVICE client 'REGISTRY_SERVICE'");
    }
}
