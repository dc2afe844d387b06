package io.robotid.certification.rest;

import io.robotid.testkit.Filings;
import static io.restassured.RestAssured.given;
import static io.robotid.certification.support.Registry.body;
import static io.robotid.certification.support.Registry.requestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.GetCertificateRequest;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.testkit.Tokens;

/**
 * POST /api/v1/test-results and GET /api/v1/test-results/{id} with rest-assured: 201 and
 * Location, idempotency by request_id or Idempotency-Key, and every problem+json answer.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class TestResultsRestIT {
    static Registry registry;
    static Filings.Maker maker;
    static String bodyId;
    static final String PROBLEM = "application/problem+json";

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(1);
        bodyId = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static String tested() {
        return Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String until() {
        return Instant.now().plus(365, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A valid conditional pass for the maker's model, as JSON. */
    static Map<String, Object> result(String subject) {
        return new java.util.LinkedHashMap<>(Map.of(
                "request_id", requestId(),
                "subject", subject,
                "tier", "MOBILITY",
                "standards", List.of(Registry.ISO_13482),
                "test_date", tested(),
                "outcome", "PASS_WITH_CONDITIONS",
                "conditions", Map.of("max_speed_m_per_s", 1.5, "max_payload_kg", 10, "environment", "INDOOR_ONLY",
                        "people_nearby_allowed", false, "allowed_task_categories", List.of("logistics")),
                "evidence", Map.of("report_uri", "https://reports.example/r/1.pdf", "report_sha256", "AB".repeat(32)),
                "validity", Map.of("valid_until", until())));
    }

    static ValidatableResponse post(String token, Object json) {
        return as(token).body(json).when().post("/api/v1/test-results").then();
    }

    static ValidatableResponse problem(ValidatableResponse response, int status, String reason) {
        return response.statusCode(status).contentType(PROBLEM).body("status", equalTo(status))
                .body("reason", equalTo(reason)).body("type", startsWith("https://robotid.io/problems/"))
                .body("title", org.hamcrest.Matchers.notNullValue()).body("instance", startsWith("/api/v1/"));
    }

    @Test
    void aPassAnswers201WithTheCertificateAndItsLocation() {
        Map<String, Object> json = result(maker.modelCode());
        var response = post(body(bodyId), json).statusCode(201).contentType(ContentType.JSON)
                .header("Location", containsString("/api/v1/certificates/"))
                .body("subject", equalTo(maker.modelCode())).body("subject_kind", equalTo("MODEL"))
                .body("tier", equalTo("MOBILITY")).body("outcome", equalTo("PASS_WITH_CONDITIONS"))
                .body("state", equalTo("ACTIVE")).body("body_id", equalTo(bodyId))
                .body("conditions.max_speed_m_per_s", equalTo(1.5f)).body("conditions.environment", equalTo("INDOOR_ONLY"))
                .body("conditions.people_nearby_allowed", equalTo(false))
                .body("evidence.report_sha256", equalTo("ab".repeat(32)))
                .body("validity.valid_until", equalTo(json.get("validity") instanceof Map<?, ?> m ? m.get("valid_until") : null))
                .body("issued.request_id", equalTo(json.get("request_id"))).extract();
        String id = response.path("certificate_id");
        assertThat(response.header("Location")).endsWith("/api/v1/certificates/" + id);
        given().auth().oauth2(Tokens.role("OPERATOR")).when().get(response.header("Location")).then().statusCode(200)
                .body("certificate_id", equalTo(id)).body("result_id", equalTo(response.path("result_id")));
        // the gRPC view is the same certificate
        assertThat(registry.as(Tokens.auditor()).getCertificate(GetCertificateRequest.newBuilder().setCertificateId(id)
                .build()).getCertificate().getConditions().getMaxSpeedMPerS()).isEqualTo(1.5);
    }

    @Test
    void aFailAnswers201WithTheResultVisibleToTheManufacturerAndRegulatorsOnly() {
        Map<String, Object> json = result(maker.robots().get(0));
        json.put("outcome", "fail");
        json.put("tier", "TIER_BASE_SAFETY");
        json.remove("conditions");
        json.remove("validity");
        var created = post(body(bodyId), json).statusCode(201)
                .header("Location", containsString("/api/v1/test-results/")).body("outcome", equalTo("FAIL"))
                .body("certificate_id", nullValue()).body("subject_kind", equalTo("UNIT")).extract();
        String location = created.header("Location");
        for (String allowed : List.of(Tokens.regulator(), Tokens.auditor(), maker.token(), body(bodyId))) {
            given().auth().oauth2(allowed).when().get(location).then().statusCode(200)
                    .body("result_id", equalTo(created.path("result_id")));
        }
        problem(given().auth().oauth2(Tokens.manufacturer("ZZZZ")).when().get(location).then(), 404, "NOT_FOUND")
                .body("resource_type", equalTo("test_result"));
        problem(given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/test-results/42").then(), 400,
                "INVALID_ARGUMENT").body("errors.field", hasItem("result_id"));
        problem(given().when().get(location).then(), 401, "UNAUTHENTICATED").header("WWW-Authenticate", "Bearer");
    }

    @Test
    void retriesByRequestIdOrIdempotencyKeyGetTheSameAnswer() {
        Map<String, Object> json = result(maker.modelCode());
        var first = post(body(bodyId), json).statusCode(201).extract();
        var again = post(body(bodyId), json).statusCode(201).extract();
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat((String) again.path("certificate_id")).isEqualTo(first.path("certificate_id"));

        String key = requestId();
        Map<String, Object> keyed = result(maker.modelCode());
        keyed.remove("request_id");
        var byHeader = as(body(bodyId)).header("Idempotency-Key", key).body(keyed).when().post("/api/v1/test-results")
                .then().statusCode(201).body("issued.request_id", equalTo(key)).extract();
        as(body(bodyId)).header("Idempotency-Key", key).body(keyed).when().post("/api/v1/test-results").then()
                .statusCode(201).body("certificate_id", equalTo(byHeader.path("certificate_id")));
        keyed.put("request_id", key);
        post(body(bodyId), keyed).statusCode(201).body("certificate_id", equalTo(byHeader.path("certificate_id")));

        Map<String, Object> changed = new java.util.LinkedHashMap<>(json);
        changed.put("tier", "BASE_SAFETY");
        problem(post(body(bodyId), changed), 400, "REQUEST_ID_REUSED").body("errors.field", hasItem("request_id"));
        problem(as(body(bodyId)).header("Idempotency-Key", requestId()).body(json).when().post("/api/v1/test-results")
                .then(), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("Idempotency-Key"));
        Map<String, Object> none = result(maker.modelCode());
        none.remove("request_id");
        problem(post(body(bodyId), none), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("request_id"));
        problem(as(body(bodyId)).header("Idempotency-Key", "abc").body(none).when().post("/api/v1/test-results")
                .then(), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("Idempotency-Key"));
    }

    @Test
    void badInputIsAProblemNamingEveryFieldAndRule() {
        Map<String, Object> json = result("not a subject");
        json.remove("request_id");
        json.put("tier", "WALKING");
        json.put("test_date", "yesterday");
        json.put("standards", List.of());
        json.put("evidence", Map.of("report_uri", "relative/path", "report_sha256", "123"));
        json.put("conditions", Map.of("max_speed_m_per_s", 25, "environment", "MOON", "people_nearby_allowed", true));
        json.put("validity", Map.of("valid_from", "2026-13-01T00:00:00Z", "valid_until", "2020-01-01T00:00:00Z"));
        var response = problem(post(body(bodyId), json), 400, "INVALID_ARGUMENT")
                .body("errors.field", hasItems("request_id", "subject", "tier", "test_date", "standards", "evidence.report_uri",
                        "evidence.report_sha256", "conditions.max_speed_m_per_s", "conditions.environment",
                        "validity.valid_from"))
                .extract();
        List<String> fields = response.path("errors.field");
        assertThat(fields).doesNotHaveDuplicates();
        List<String> rules = response.path("errors.description");
        assertThat(rules).allSatisfy(rule -> assertThat(rule).isNotBlank());
        assertThat(rules).anyMatch(rule -> rule.contains("WALKING"));
        assertThat(rules).anyMatch(rule -> rule.contains("at most 20 m/s"));

        problem(post(body(bodyId), Map.of("request_id", requestId(), "max_sped", 1)), 400, "INVALID_ARGUMENT")
                .body("errors.field", hasItem("max_sped")).body("errors.description[0]", containsString("not a member"));
        Map<String, Object> wrongType = result(maker.modelCode());
        wrongType.put("conditions", Map.of("max_speed_m_per_s", "fast"));
        problem(post(body(bodyId), wrongType), 400, "INVALID_ARGUMENT")
                .body("errors.field", hasItem("conditions.max_speed_m_per_s"))
                .body("errors.description[0]", containsString("a number"));
        Map<String, Object> wrongShape = result(maker.modelCode());
        wrongShape.put("standards", "ISO 13482:2014");
        problem(post(body(bodyId), wrongShape), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("standards"))
                .body("errors.description", hasItem("must be an array"));
        problem(post(body(bodyId), "{\"subject\": "), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("body"));
        problem(as(body(bodyId)).when().post("/api/v1/test-results").then(), 400, "INVALID_ARGUMENT")
                .body("errors.field", hasItem("body"));
        problem(post(body(bodyId), "[1, 2]"), 400, "INVALID_ARGUMENT");
        problem(given().auth().oauth2(body(bodyId)).contentType(ContentType.TEXT).body("subject=x").when()
                .post("/api/v1/test-results").then(), 415, "HTTP_415");
    }

    @Test
    void wrongCallersAndScopesAreProblems() {
        Map<String, Object> json = result(maker.modelCode());
        problem(given().contentType(ContentType.JSON).body(json).when().post("/api/v1/test-results").then(), 401,
                "UNAUTHENTICATED").header("WWW-Authenticate", "Bearer");
        for (String bad : List.of(Tokens.expired("CERTIFICATION_BODY"), Tokens.forged("CERTIFICATION_BODY"),
                Tokens.wrongAudience("CERTIFICATION_BODY"))) {
            problem(post(bad, json), 401, "UNAUTHENTICATED");
        }
        for (String role : List.of(Tokens.regulator(), maker.token(), Tokens.auditor(), Tokens.role("REGISTRY_SERVICE"))) {
            problem(post(role, json), 403, "ROLE_NOT_ALLOWED");
        }
        problem(post(Tokens.role("CERTIFICATION_BODY"), json), 403, "NO_CERTIFICATION_BODY_ID");
        problem(post(body("CB-UNKNOWN"), json), 403, "BODY_NOT_ACCREDITED");
        Map<String, Object> outside = result(maker.modelCode());
        outside.put("tier", "PUBLIC_SPACE");
        problem(post(body(bodyId), outside), 403, "OUTSIDE_ACCREDITATION_SCOPE")
                .body("detail", containsString("tier PUBLIC_SPACE"))
                .body("detail", org.hamcrest.Matchers.not(containsString("TIER_")));
        problem(post(body(bodyId), result("ZZZZZZ")), 404, "NOT_FOUND").body("resource_type", equalTo("model"))
                .body("resource_name", equalTo("ZZZZZZ"));
        problem(given().auth().oauth2(body(bodyId)).when().delete("/api/v1/test-results").then(), 405, "HTTP_405");
    }
}
