package io.robotid.certification.rest;

import io.robotid.testkit.Filings;
import static io.restassured.RestAssured.given;
import static io.robotid.certification.rest.TestResultsRestIT.problem;
import static io.robotid.certification.support.Registry.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.certification.support.Registry;
import io.robotid.certification.support.RegistryProcesses;
import io.robotid.proto.certification.v1.Environment;
import io.robotid.proto.certification.v1.Outcome;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.certification.v1.Validity;
import io.robotid.testkit.Tokens;

/** GET /api/v1/certificates, /api/v1/certificates/{id} and /api/v1/robots/{id}/effective-certifications. */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class ReadsRestIT {
    static Registry registry;
    static Filings.Maker maker;
    static String bodyId;
    static Instant until;

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(1);
        bodyId = registry.accredit(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY);
        Instant tested = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        until = tested.plus(30, ChronoUnit.DAYS);
        registry.as(body(bodyId)).submitTestResult(pass(maker.modelCode(), Tier.TIER_BASE_SAFETY).setTestDate(ts(tested))
                .setValidity(Validity.newBuilder().setValidUntil(ts(until))).build());
        registry.as(body(bodyId)).submitTestResult(pass(maker.robots().get(0), Tier.TIER_MOBILITY)
                .setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setConditions(conditions(0.8, 5, Environment.ENVIRONMENT_INDOOR_ONLY, false, "inspection")).build());
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    @Test
    void certificatesAreListedBySubjectAndPaged() {
        given().auth().oauth2(Tokens.role("OPERATOR")).queryParam("subject", maker.modelCode().toLowerCase()).when()
                .get("/api/v1/certificates").then().statusCode(200).body("certificates", hasSize(1))
                .body("certificates[0].tier", equalTo("BASE_SAFETY")).body("next_page_token", nullValue());
        var first = given().auth().oauth2(Tokens.auditor()).queryParam("body_id", bodyId).queryParam("page_size", 1)
                .when().get("/api/v1/certificates").then().statusCode(200).body("certificates", hasSize(1))
                .body("next_page_token", notNullValue()).extract();
        given().auth().oauth2(Tokens.auditor()).queryParam("body_id", bodyId).queryParam("page_size", 1)
                .queryParam("page_token", (String) first.path("next_page_token")).when().get("/api/v1/certificates")
                .then().statusCode(200).body("certificates[0].subject", equalTo(maker.robots().get(0)));
        given().auth().oauth2(Tokens.auditor()).queryParam("tier", "mobility").queryParam("state", "ACTIVE")
                .queryParam("subject", maker.robots().get(0)).when().get("/api/v1/certificates").then().statusCode(200)
                .body("certificates", hasSize(1));
    }

    @Test
    void badListFiltersAndIdsAreProblems() {
        problem(given().auth().oauth2(Tokens.auditor()).queryParam("tier", "FLYING").queryParam("state", "LOST")
                .queryParam("page_size", "ten").queryParam("subject", "x").when().get("/api/v1/certificates").then(),
                400, "INVALID_ARGUMENT").body("errors.field", org.hamcrest.Matchers.hasItems("tier", "state", "page_size"));
        problem(given().auth().oauth2(Tokens.auditor()).queryParam("page_size", 900).when().get("/api/v1/certificates")
                .then(), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("page_size"));
        problem(given().auth().oauth2(Tokens.auditor()).queryParam("page_token", "zzz").when().get("/api/v1/certificates")
                .then(), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("page_token"));
        problem(given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/certificates/" + UUID.randomUUID()).then(),
                404, "NOT_FOUND").body("resource_type", equalTo("certificate"));
        problem(given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/certificates/not-a-uuid").then(), 400,
                "INVALID_ARGUMENT").body("errors[0].field", equalTo("certificate_id"))
                .body("errors[0].description", containsString("UUID"));
        problem(given().when().get("/api/v1/certificates").then(), 401, "UNAUTHENTICATED");
        problem(given().auth().oauth2(Tokens.expired("AUDITOR")).when().get("/api/v1/certificates/" + UUID.randomUUID())
                .then(), 401, "UNAUTHENTICATED");
        problem(given().auth().oauth2(Tokens.auditor()).contentType("application/json").body("{}").when()
                .post("/api/v1/certificates").then(), 405, "HTTP_405");
    }

    @Test
    void effectiveCertificationsOfARobot() {
        String robot = maker.robots().get(0);
        given().auth().oauth2(Tokens.role("ROBOT")).when().get("/api/v1/robots/" + robot.toLowerCase()
                + "/effective-certifications").then().statusCode(200).contentType("application/json")
                .body("robot_id", equalTo(robot)).body("model_code", equalTo(maker.modelCode()))
                .body("intelligence_level", equalTo("L1"))
                .body("tiers.tier", org.hamcrest.Matchers.contains("BASE_SAFETY", "MOBILITY"))
                .body("conditions.max_speed_m_per_s", equalTo(0.8f)).body("conditions.environment", equalTo("INDOOR_ONLY"))
                .body("conditions.allowed_task_categories", org.hamcrest.Matchers.contains("inspection"))
                .body("missing.tier", org.hamcrest.Matchers.contains("PUBLIC_SPACE", "PHYSICAL_INTERACTION"))
                .body("missing[0].rule", notNullValue()).body("needs_revalidation", hasSize(0));
        // exactly at valid_until the model's BASE_SAFETY is expired
        var expired = given().auth().oauth2(Tokens.auditor()).queryParam("at", until.toString()).when()
                .get("/api/v1/robots/" + robot + "/effective-certifications").then().statusCode(200)
                .body("tiers.tier", org.hamcrest.Matchers.contains("MOBILITY"))
                .body("excluded[0].reason", equalTo("EXPIRED")).body("missing.tier", hasItem("BASE_SAFETY")).extract();
        assertThat((String) expired.path("at")).isEqualTo(until.toString());
        given().auth().oauth2(Tokens.auditor()).queryParam("at", until.minusMillis(1).toString()).when()
                .get("/api/v1/robots/" + robot + "/effective-certifications").then().statusCode(200)
                .body("tiers.tier", org.hamcrest.Matchers.contains("BASE_SAFETY", "MOBILITY"));

        problem(given().auth().oauth2(Tokens.auditor()).queryParam("at", "tomorrow").when()
                .get("/api/v1/robots/" + robot + "/effective-certifications").then(), 400, "INVALID_ARGUMENT")
                .body("errors.field", hasItem("at"));
        problem(given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/robots/CN123/effective-certifications")
                .then(), 400, "INVALID_ARGUMENT").body("errors.field", hasItem("robot_id"));
        String neverIssued = io.robotid.kit.id.RobotId.compose(robot.substring(0, 2), maker.code(), maker.modelCode(), 26,
                maker.siteCode(), 777).canonical();
        problem(given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/robots/" + neverIssued
                + "/effective-certifications").then(), 404, "NOT_FOUND").body("resource_type", equalTo("robot"));
        problem(given().when().get("/api/v1/robots/" + robot + "/effective-certifications").then(), 401,
                "UNAUTHENTICATED");
        problem(given().auth().oauth2(Tokens.auditor()).when().get("/api/v1/nothing-here").then(), 404, "NOT_FOUND");
    }

    @Test
    void theOpenApiDocumentListsTheEndpoints() {
        var doc = given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200).extract();
        java.util.Map<String, Object> paths = doc.path("paths");
        assertThat(paths).containsKeys("/api/v1/test-results", "/api/v1/test-results/{resultId}",
                "/api/v1/certificates", "/api/v1/certificates/{certificateId}",
                "/api/v1/robots/{robotId}/effective-certifications");
        assertThat((Object) doc.path("paths.'/api/v1/test-results'.post.responses.'201'")).isNotNull();
        java.util.Map<String, Object> responses = doc.path("paths.'/api/v1/test-results'.post.responses");
        assertThat(responses).containsKeys("201", "400", "401", "403", "404", "503");
        assertThat((Object) doc.path("paths.'/api/v1/test-results'.post.responses.'403'.content.'application/problem+json'"))
                .isNotNull();
        java.util.Map<String, Object> input = doc.path("components.schemas.TestResultInput.properties");
        assertThat(input).containsKeys("request_id", "subject", "tier", "standards", "test_date", "outcome",
                "conditions", "evidence", "validity");
        java.util.Map<String, Object> conditions = doc.path("components.schemas.ConditionsInput.properties");
        assertThat(conditions).containsKeys("max_speed_m_per_s", "max_payload_kg", "environment",
                "people_nearby_allowed", "allowed_task_categories");
        assertThat((java.util.Map<String, Object>) doc.path("components.schemas.Problem.properties"))
                .containsKeys("type", "title", "status", "detail", "reason", "errors");
        assertThat((Object) doc.path("components.securitySchemes")).isNotNull();
    }
}
