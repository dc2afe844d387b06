package io.robotid.identity.rest;

import io.robotid.testkit.Filings;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.robotid.identity.support.Clients;
import io.robotid.identity.support.FilingServiceProcess;
import io.robotid.kit.id.Mod3736;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.testkit.Tokens;

/**
 * The public robot page served by identity-service, with the real filing-service behind it and
 * lifecycle- and certification-service not running (so every page here is a degraded one that
 * must say so). The full page with every service is in system-tests (RobotPageSystemIT).
 */
@QuarkusTest
@QuarkusTestResource(FilingServiceProcess.class)
class RobotPageIT {
    static final String BASE = "https://robots.example.org";
    static Clients clients;
    static List<Identity> issued;
    static Identity scripted;

    @BeforeAll
    static void setUp() {
        clients = new Clients();
        Filings.Maker maker = clients.fileMaker();
        issued = issue(maker, 4);
        scripted = issue(clients.fileMaker("<script>alert('maker')</script> Robotics & Co"), 1).get(0);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        clients.close();
    }

    static List<Identity> issue(Filings.Maker maker, int count) {
        List<Identity> out = new java.util.ArrayList<>();
        clients.identity(maker.token()).issueIdentities(Clients.issue(maker, count).build())
                .forEachRemaining(chunk -> out.addAll(chunk.getIdentitiesList()));
        return out;
    }

    static String cert(Identity identity) {
        return identity.getCertificate().getText();
    }

    static String pathOf(Identity identity) {
        return "/r/" + identity.getRobotId() + "?c=" + URLEncoder.encode(cert(identity), StandardCharsets.UTF_8);
    }

    static ValidatableResponse html(String path) {
        return given().accept("text/html,application/xhtml+xml,*/*;q=0.8").urlEncodingEnabled(false).when().get(path)
                .then();
    }

    static ValidatableResponse json(String path) {
        return given().accept("application/json").urlEncodingEnabled(false).when().get(path).then();
    }

    static void securityHeaders(ValidatableResponse response) {
        response.header("Content-Security-Policy", containsString("default-src 'none'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("Content-Security-Policy", not(containsString("unsafe-inline")))
                .header("Content-Security-Policy", containsString("style-src 'self'"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }

    @Test
    void aGenuineLabelShowsTheRobotAndSaysWhichPartsAreUnavailable() {
        Identity robot = issued.get(0);
        ValidatableResponse page = html(pathOf(robot)).statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("Genuine robot ID"))
                .body(containsString(robot.getDisplayForm()))
                .body(containsString("Shenzhen Walker Robotics Ltd."))
                .body(containsString("Walker S2"))
                .body(containsString("<strong>L1</strong>"))
                .body(containsString("moves about on its own"))
                .body(containsString("Nothing is recorded."))
                // lifecycle- and certification-service are not running in these tests
                .body(containsString("data-part=\"lifecycle\""))
                .body(containsString("Status, contacts, maintenance and recalls: unavailable right now (lifecycle-service is not reachable)"))
                .body(containsString("data-part=\"certification\""))
                .body(containsString("Certifications and operating limits: unavailable right now (certification-service is not reachable)"))
                .body(containsString("<form method=\"post\" action=\"/r/" + robot.getRobotId() + "/report\""))
                .body(not(containsString("<script")))
                .body(not(containsString("style=")));
        securityHeaders(page);
    }

    @Test
    void theSameUrlAnswersJson() {
        Identity robot = issued.get(0);
        json(pathOf(robot)).statusCode(200).contentType(startsWith("application/json"))
                .body("robotId", equalTo(robot.getRobotId()))
                .body("verdict", equalTo("GENUINE"))
                .body("certificateCheck", equalTo("GENUINE"))
                .body("manufacturer.name", equalTo("Shenzhen Walker Robotics Ltd."))
                .body("model.name", equalTo("Walker S2"))
                .body("model.intelligenceLevel", equalTo("L1"))
                .body("model.dataNotice", equalTo("Nothing is recorded."))
                .body("pageUrl", equalTo(BASE + "/r/" + robot.getRobotId() + "?c=" + cert(robot)))
                .body("unavailable.part", hasItems("lifecycle", "certification"))
                .body("lifecycle", nullValue())
                .body("viewer.anonymous", equalTo(true))
                .body("reportFormOffered", equalTo(true));
    }

    @Test
    void anyAcceptedFormOfTheIdWorksAndWithoutCertificateTheLabelIsNotChecked() {
        Identity robot = issued.get(1);
        String typed = robot.getDisplayForm().toLowerCase().replace(' ', '-');
        json("/r/" + typed).statusCode(200).body("robotId", equalTo(robot.getRobotId()))
                .body("verdict", equalTo("REGISTERED_NOT_VERIFIED"))
                .body("certificateCheck", equalTo("NOT_PRESENTED"));
        html("/r/" + URLEncoder.encode(robot.getDisplayForm(), StandardCharsets.UTF_8).replace("+", "%20"))
                .statusCode(200).body(containsString("Registered robot ID (label not checked)"));
    }

    @Test
    void aForgedOrAlteredCertificateIsSaidToBeNotGenuine() {
        Identity robot = issued.get(0);
        String[] parts = cert(robot).split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[3] ^= 1;
        String altered = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        String copied = cert(issued.get(1)); // another robot's genuine certificate
        for (String forged : List.of(altered, copied, "garbage<script>", "AAAAAAAAAAAAAAAA." + parts[1] + "." + parts[2])) {
            String path = "/r/" + robot.getRobotId() + "?c=" + URLEncoder.encode(forged, StandardCharsets.UTF_8);
            securityHeaders(html(path).statusCode(200).body(containsString("This label is not genuine"))
                    .body(containsString("data-verdict=\"FORGED\""))
                    .body(not(containsString("Shenzhen Walker")))
                    .body(not(containsString("<script>"))));
            json(path).statusCode(200).body("verdict", equalTo("FORGED")).body("manufacturer", nullValue())
                    .body("reportFormOffered", equalTo(false));
        }
    }

    @Test
    void anUnknownIdIsA404Page() {
        String id = issued.get(0).getRobotId();
        String body = id.substring(0, 16) + "999999999999";
        String unknown = body + Mod3736.checkCharacter(body);
        securityHeaders(html("/r/" + unknown).statusCode(404).contentType(containsString("text/html"))
                .body(containsString("No robot has this ID")).body(containsString("never issued")));
        json("/r/" + unknown).statusCode(404).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(404)).body("verdict", equalTo("UNKNOWN")).body("robotId", equalTo(unknown));
    }

    @Test
    void aMalformedIdOrBadCheckCharacterIsAClear400Page() {
        securityHeaders(html("/r/hello").statusCode(400).body(containsString("This is not a robot ID"))
                .body(containsString("must have 29 characters")));
        json("/r/hello").statusCode(400).contentType(startsWith("application/problem+json"))
                .body("verdict", equalTo("MALFORMED")).body("malformedReason", containsString("29 characters"));
        // 29 characters with markup in them: the reason names the character, escaped
        html("/r/CN" + "%3Cscript%3E" + "1".repeat(19)).statusCode(400).body(not(containsString("<script>")))
                .body(containsString("(&#39;&lt;&#39;)"));
        html("/r/" + "A".repeat(2000)).statusCode(400).body(containsString("This is not a robot ID"));

        String id = issued.get(2).getRobotId();
        String typo = id.substring(0, 28) + (id.charAt(28) == 'A' ? 'B' : 'A');
        html("/r/" + typo).statusCode(400).body(containsString("This robot ID has a mistake in it"))
                .body(containsString("href=\"/r/" + id + "\""));
        json("/r/" + typo).statusCode(400).body("verdict", equalTo("BAD_CHECK_CHARACTER"))
                .body("suggestions", hasItem(id));
    }

    @Test
    void aRetiredIdSaysSoAndTakesNoReports() throws Exception {
        Identity robot = issued.get(3);
        try (Connection c = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                PreparedStatement update = c.prepareStatement("update identity set status = 'RETIRED' where robot_id = ?")) {
            update.setString(1, robot.getRobotId());
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        html(pathOf(robot)).statusCode(200).body(containsString("This robot ID is retired"))
                .body(containsString("must not be operating")).body(not(containsString("id=\"report-form\"")));
        json(pathOf(robot)).statusCode(200).body("verdict", equalTo("RETIRED")).body("reportFormOffered", equalTo(false));
        given().formParam("category", "malfunction").formParam("description", "It is walking around although scrapped.")
                .header("X-Forwarded-For", "198.51.100.77").accept("application/json")
                .post("/r/" + robot.getRobotId() + "/report").then().statusCode(409)
                .body("reason", equalTo("ROBOT_RETIRED"));
    }

    @Test
    void everyValueIsEscaped() {
        Identity robot = scripted;
        html(pathOf(robot)).statusCode(200)
                .body(containsString("&lt;script&gt;alert(&#39;maker&#39;)&lt;/script&gt; Robotics &amp; Co"))
                .body(not(containsString("<script>")));
        json(pathOf(robot)).statusCode(200).body("manufacturer.name", equalTo("<script>alert('maker')</script> Robotics & Co"));
    }

    @Test
    void theQrCodeEncodesThePageUrlWithTheCertificate() throws Exception {
        Identity robot = issued.get(0);
        byte[] png = given().urlEncodingEnabled(false).when().get("/r/" + robot.getDisplayForm().replace(" ", "%20") + "/qr.png")
                .then().statusCode(200).contentType("image/png").header("X-Content-Type-Options", "nosniff")
                .extract().asByteArray();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(320);
        // a generated image: decoded as one (ZXing's default detector misreads some module patterns at this scale)
        String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))),
                java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE,
                        com.google.zxing.DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
        assertThat(decoded).isEqualTo(BASE + "/r/" + robot.getRobotId() + "?c=" + cert(robot));
        // and the URL it encodes opens a genuine page
        json(decoded.substring(BASE.length())).statusCode(200).body("verdict", equalTo("GENUINE"));

        given().get("/r/" + robot.getRobotId() + "/qr.png?size=5000").then().statusCode(400)
                .body(containsString("120 to 1200 pixels"));
        String body = robot.getRobotId().substring(0, 16) + "999999999998";
        given().get("/r/" + body + Mod3736.checkCharacter(body) + "/qr.png").then().statusCode(404);
        given().get("/r/nonsense/qr.png").then().statusCode(400);
    }

    @Test
    void theStyleSheetIsServedFromThisOrigin() {
        securityHeaders(given().get("/r-assets/page.css").then().statusCode(200).contentType(containsString("text/css"))
                .body(containsString(".verdict")));
    }

    @Test
    void aReportThatBreaksTheRulesIsShownAgainNamingFieldAndRule() {
        String id = issued.get(0).getRobotId();
        securityHeaders(given().header("X-Forwarded-For", "198.51.100.1").accept("text/html")
                .formParam("category", "aliens").formParam("description", "<b>x</b>")
                .formParam("contact", "x".repeat(201)).formParam("place", "line\u0007bell")
                .post("/r/" + id + "/report").then().statusCode(400).contentType(containsString("text/html"))
                .body(containsString("Your report was not sent"))
                .body(containsString("Category must be one of injury, property_damage, malfunction, fall, data_leak, hijack."))
                .body(containsString("Description must be 10 to 2000 characters, has 8."))
                .body(containsString("Contact must be at most 200 characters."))
                .body(containsString("Place must be one line without control characters."))
                // what was typed comes back, escaped
                .body(containsString("&lt;b&gt;x&lt;/b&gt;</textarea>"))
                .body(not(containsString("<b>x</b>"))));

        given().header("X-Forwarded-For", "198.51.100.1").accept("application/json")
                .formParam("description", "short").post("/r/" + id + "/report").then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("errors.field", hasItems("category", "description"))
                .body("errors.find { it.field == 'category' }.description", equalTo("is required: choose what happened"))
                .body("errors.find { it.field == 'description' }.description", equalTo("must be 10 to 2000 characters, has 5"));

        given().header("X-Forwarded-For", "198.51.100.1").accept("application/json")
                .formParam("category", "fall").formParam("description", "x".repeat(2001))
                .post("/r/" + id + "/report").then().statusCode(400)
                .body("errors[0].description", equalTo("must be 10 to 2000 characters, has 2001"));

        given().header("X-Forwarded-For", "198.51.100.1").accept("application/json")
                .formParam("category", "fall").formParam("description", "ä".repeat(9000))
                .post("/r/" + id + "/report").then().statusCode(413).body("reason", equalTo("REPORT_TOO_LARGE"));

        String body = id.substring(0, 16) + "999999999997";
        given().header("X-Forwarded-For", "198.51.100.1").accept("application/json")
                .formParam("category", "fall").formParam("description", "It fell on the stairs.")
                .post("/r/" + body + Mod3736.checkCharacter(body) + "/report").then().statusCode(404);
    }

    @Test
    void aValidReportWithLifecycleDownSaysItWasNotRecorded() {
        String id = issued.get(0).getRobotId();
        given().header("X-Forwarded-For", "198.51.100.2").accept("text/html")
                .formParam("category", "malfunction").formParam("description", "It keeps bumping into the shelves.")
                .formParam("contact", "me@example.org")
                .post("/r/" + id + "/report").then().statusCode(503)
                .body(containsString("lifecycle-service is not reachable"))
                .body(containsString("nothing was recorded"))
                // the form comes back filled in, to send again later
                .body(containsString("It keeps bumping into the shelves.</textarea>"))
                .body(containsString("value=\"me@example.org\""));
    }

    @Test
    void reportsAreLimitedPerClientAddress() {
        String id = issued.get(0).getRobotId();
        String address = "203.0.113." + (1 + Math.abs(UUID.randomUUID().hashCode() % 200));
        String other = "192.0.2." + (1 + Math.abs(UUID.randomUUID().hashCode() % 200));
        for (int i = 0; i < 3; i++) {
            // accepted by the limiter; lifecycle-service is not running, so not recorded
            given().header("X-Forwarded-For", address).accept("application/json")
                    .formParam("category", "fall").formParam("description", "It fell over near the entrance.")
                    .post("/r/" + id + "/report").then().statusCode(503).body("reason", equalTo("REPORT_NOT_RECORDED"));
        }
        given().header("X-Forwarded-For", address).accept("application/json")
                .formParam("category", "fall").formParam("description", "It fell over near the entrance.")
                .post("/r/" + id + "/report").then().statusCode(429)
                .header("Retry-After", "3600")
                .body("reason", equalTo("REPORT_RATE_LIMITED"))
                .body("detail", equalTo("at most 3 reports per 60 minutes from one address; try again later"));
        given().header("X-Forwarded-For", address).accept("text/html")
                .formParam("category", "fall").formParam("description", "It fell over near the entrance.")
                .post("/r/" + id + "/report").then().statusCode(429)
                .body(containsString("at most 3 reports per 60 minutes from one address"));
        // invalid reports do not use up the quota; another address has its own
        given().header("X-Forwarded-For", other).accept("application/json")
                .formParam("category", "fall").formParam("description", "It fell over near the entrance.")
                .post("/r/" + id + "/report").then().statusCode(503);
    }

    @Test
    void aViewerTokenIsForwardedAndTheViewerNamed() {
        Identity robot = issued.get(0);
        given().auth().oauth2(Tokens.regulator()).accept("application/json").urlEncodingEnabled(false)
                .get(pathOf(robot)).then().statusCode(200)
                .body("viewer.anonymous", equalTo(false)).body("viewer.role", equalTo("REGULATOR"))
                .body("verdict", equalTo("GENUINE"))
                .body("unavailable.part", hasItem("lifecycle"));
    }
}
