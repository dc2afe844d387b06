package io.robotid.identity.rest;

import io.robotid.testkit.Filings;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.evidence.tlog.HistoryReport;
import io.robotid.evidence.tlog.HistoryReports;
import io.robotid.evidence.tlog.WitnessPolicy;
import io.robotid.identity.support.Clients;
import io.robotid.identity.support.FilingServiceProcess;
import io.robotid.proto.identity.v1.CreateHistoryShareRequest;
import io.robotid.proto.identity.v1.GetHistoryReportRequest;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.tlog.v1.GetLogInfoRequest;
import io.robotid.testkit.Tokens;

/**
 * A robot's history report from identity-service with the real filing-service behind it and lifecycle-
 * and certification-service not running: the identity's record and the model's filing records are shown
 * and proven in their logs, and the report says that the events and certification records are left out
 * (and does not claim to be complete). Bad input and wrong callers get clear refusals. The whole report with every service, a
 * share link and its offline check are in system-tests (RobotLife, step 9 and 10).
 */
@QuarkusTest
@QuarkusTestResource(FilingServiceProcess.class)
class HistoryReportIT {
    static Clients clients;
    static Identity robot;

    @BeforeAll
    static void setUp() {
        clients = new Clients();
        Filings.Maker maker = clients.fileMaker();
        robot = clients.identity(maker.token()).issueIdentities(Clients.issue(maker, 1).build()).next().getIdentities(0);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        clients.close();
    }

    /** The report once the ID's leaf is under a served checkpoint (within a second of the issue). */
    static HistoryReport report() throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            var r = given().accept("application/json").when().get("/r/" + robot.getRobotId() + "/history");
            if (r.statusCode() == 200) {
                return HistoryReport.parse(r.body().asString());
            }
            assertThat(r.statusCode()).as(r.body().asString()).isEqualTo(503);
            Thread.sleep(25);
        }
        throw new AssertionError("no report within 5 s");
    }

    @Test
    void theIdentityIsShownAndProvenAndMissingPartsAreNamed() throws Exception {
        HistoryReport report = report();
        String vkey = clients.log(null).getLogInfo(GetLogInfoRequest.getDefaultInstance()).getVkey();
        HistoryReports.Verified v = HistoryReports.verify(WitnessPolicy.parse("log " + vkey + "\nlog " + clients.filingLogKey()
                + "\nquorum none\n"), report);
        // the identity, and from filing-service the manufacturer's registration, the model's revision and its acceptance
        assertThat(v.shown()).isEqualTo(4);
        assertThat(v.filingRecords()).isEqualTo(3);
        assertThat(v.lines()).anySatisfy(l -> assertThat(l).contains(": ACCEPTED revision 1 of filing ")
                .contains(" as model " + robot.getModelCode()));
        assertThat(v.lines().get(0)).startsWith("identity/" + robot.getRobotId() + ": ID " + robot.getRobotId()
                + " of model " + robot.getModelCode());
        assertThat(report.audience()).isEqualTo("public");
        assertThat(report.eventsComplete()).as("lifecycle-service is not running").isFalse();
        assertThat(report.notes()).anySatisfy(n -> assertThat(n).startsWith("lifecycle-service is not reachable"))
                .anySatisfy(n -> assertThat(n).startsWith("certification-service is not reachable"));
        assertThat(report.model().name()).isEqualTo("Walker S2");
        assertThat(report.model().note()).contains("not evidence");

        // anonymous readers share one report per robot for a few seconds (robotid.resolver.history.public-cache)
        HistoryReport again = HistoryReport.parse(given().accept("application/json").when()
                .get("/r/" + robot.getRobotId() + "/history").then().statusCode(200).extract().asString());
        assertThat(again.generatedAt()).isEqualTo(report.generatedAt());

        // the same over gRPC, with a token: a reader's report
        HistoryReport read = HistoryReport.parse(clients.identity(Tokens.regulator()).getHistoryReport(
                GetHistoryReportRequest.newBuilder().setRobotId(robot.getDisplayForm()).build()).getReportJson());
        assertThat(read.audience()).isEqualTo("reader (REGULATOR)");
        assertThat(read.records()).hasSize(4);

        // and as a page for people, escaped, with the JSON to download
        given().accept("text/html").when().get("/r/" + robot.getRobotId() + "/history").then().statusCode(200)
                .body(containsString("History of robot " + robot.getRobotId()))
                .body(containsString("href=\"/r/" + robot.getRobotId() + "/history?format=json\""))
                .body(containsString("lifecycle-service is not reachable"))
                .header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Referrer-Policy", "no-referrer").header("Cache-Control", "no-store");
        given().when().get("/r/" + robot.getRobotId() + "/history?format=json").then().statusCode(200)
                .contentType(containsString("application/json")).body("format", equalTo("robotid-history-report-v1"));
        // ?format= wins over Accept
        given().accept("application/json").when().get("/r/" + robot.getRobotId() + "/history?format=html").then()
                .statusCode(200).contentType(containsString("text/html"));
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndTheRule() {
        given().accept("application/json").when().get("/r/not-an-id/history").then().statusCode(400)
                .body("errors.field", hasItem("robot_id"));
        String typo = robot.getRobotId().substring(0, 28) + (robot.getRobotId().endsWith("A") ? "B" : "A");
        given().accept("application/json").when().get("/r/" + typo + "/history").then().statusCode(400)
                .body("errors.description", hasItem(containsString("check character")));
        // a well-formed ID that was never issued: its check character is what BadCheckCharacter expects
        String unknown = robot.getRobotId().substring(0, 27) + "9" + robot.getRobotId().charAt(28);
        if (io.robotid.kit.id.RobotId.parse(unknown) instanceof io.robotid.kit.id.RobotId.BadCheckCharacter bad) {
            unknown = unknown.substring(0, 28) + bad.expected();
        }
        given().accept("application/json").when().get("/r/" + unknown + "/history").then().statusCode(404);
        given().accept("application/json").when().get("/r/" + robot.getRobotId() + "/history?format=xml").then()
                .statusCode(400).body("errors.field", hasItem("format"));
        given().accept("text/html").when().get("/r/" + robot.getRobotId() + "/history?share=" + "A".repeat(43)).then()
                .statusCode(403).body(containsString("share: the share link is unknown, expired"))
                .body(not(containsString("History of robot")));
        given().accept("application/json").when().get("/r/" + robot.getRobotId() + "/history?share=short").then()
                .statusCode(403).body("reason", equalTo("SHARE_LINK_CLOSED"));
        assertThatThrownBy(() -> clients.identityAnonymous().getHistoryReport(GetHistoryReportRequest.newBuilder()
                .setRobotId("bad").build())).extracting(t -> ((StatusRuntimeException) t).getStatus().getCode())
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void onlyTheOwnerSharesAndAnExpiredLinkIsClosed() throws Exception {
        var request = CreateHistoryShareRequest.newBuilder().setRobotId(robot.getRobotId()).build();
        assertThat(code(() -> clients.identityAnonymous().createHistoryShare(request))).isEqualTo(Status.Code.UNAUTHENTICATED);
        for (String role : List.of("MANUFACTURER", "REGULATOR", "ROBOT", "REGISTRY_SERVICE")) {
            assertThat(code(() -> clients.identity(Tokens.role(role)).createHistoryShare(request))).as(role)
                    .isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        String operator = Tokens.token("fleet-1", "OPERATOR", "org_id", "org-fleet-1");
        StatusRuntimeException tooLong = catchGrpc(() -> clients.identity(operator).createHistoryShare(request.toBuilder()
                .setValidForSeconds(31L * 24 * 3600).setRecipient("x".repeat(201)).build()));
        assertThat(tooLong.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(tooLong.getStatus().getDescription()).contains("valid_for_seconds").contains("recipient");
        // whether the operator owns the robot is lifecycle-service's to say, and it is not running here
        assertThat(code(() -> clients.identity(operator).createHistoryShare(request))).isEqualTo(Status.Code.UNAVAILABLE);
        given().contentType("application/json").body("{}").accept("application/json").when()
                .post("/r/" + robot.getRobotId() + "/history/shares").then().statusCode(401);
        given().auth().oauth2(Tokens.regulator()).contentType("application/json").body("{}").accept("application/json")
                .when().post("/r/" + robot.getRobotId() + "/history/shares").then().statusCode(403)
                .body("reason", equalTo("NOT_THE_OWNER"));

        // a link stored as made yesterday and expired an hour ago opens nothing (and never asks lifecycle-service)
        String token = "B".repeat(43);
        try (Connection c = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement insert = c.prepareStatement("insert into history_share (token_sha256, robot_id,"
                        + " owner_org_id, created_by, created_at, expires_at) values (?, ?, 'org-fleet-1', 'fleet-1', ?, ?)")) {
            insert.setString(1, HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
            insert.setString(2, robot.getRobotId());
            insert.setTimestamp(3, Timestamp.from(Instant.now().minusSeconds(86_400)));
            insert.setTimestamp(4, Timestamp.from(Instant.now().minusSeconds(3_600)));
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        given().accept("application/json").when().get("/r/" + robot.getRobotId() + "/history?share=" + token).then()
                .statusCode(403).body("reason", equalTo("SHARE_LINK_CLOSED"));
        assertThat(code(() -> clients.identityAnonymous().getHistoryReport(GetHistoryReportRequest.newBuilder()
                .setRobotId(robot.getRobotId()).setShareToken(token).build()))).isEqualTo(Status.Code.PERMISSION_DENIED);
    }

    static Status.Code code(Runnable call) {
        return catchGrpc(call).getStatus().getCode();
    }

    static StatusRuntimeException catchGrpc(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }
}
