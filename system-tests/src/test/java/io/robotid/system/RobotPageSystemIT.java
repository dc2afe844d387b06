package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.google.protobuf.Timestamp;

import io.robotid.proto.certification.v1.AccreditBodyRequest;
import io.robotid.proto.certification.v1.CertificationServiceGrpc;
import io.robotid.proto.certification.v1.Environment;
import io.robotid.proto.certification.v1.Evidence;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.Outcome;
import io.robotid.proto.certification.v1.SubmitTestResultRequest;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.certification.v1.Validity;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.lifecycle.v1.CreateRecallCampaignRequest;
import io.robotid.proto.lifecycle.v1.Deployed;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.GetRobotStatusRequest;
import io.robotid.proto.lifecycle.v1.IncidentCategory;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.ListEventsRequest;
import io.robotid.proto.lifecycle.v1.MaintenancePerformed;
import io.robotid.proto.lifecycle.v1.Produced;
import io.robotid.proto.lifecycle.v1.RecallCriteria;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.Sold;
import io.robotid.system.support.Browser;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * The public robot page (identity-service GET /r/{id}) over the whole registry: a real robot,
 * filed, produced, sold, deployed, maintained, certified and recalled through the services' own
 * APIs, its page read anonymously and with the tokens of a regulator, its owner, its manufacturer
 * and a stranger; a public report that becomes an INCIDENT_REPORTED in lifecycle-service; a real
 * browser (headless Debian chromium) reading the page and sending the form on a desktop and a
 * phone; and, last, the page with lifecycle-service killed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RobotPageSystemIT {
    static final String OWNER = "org-harbour-logistics";
    static final String CONTACT_NAME = "<script>alert('x')</script> Front desk";
    static final String RECALL_TITLE = "Knee actuator firmware fix";
    static Registry registry;
    static Registrations maker;
    static Identity robot;
    static Identity spare;
    static String base;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        base = "http://127.0.0.1:" + Registry.PORTS.get("identity-service");
        registry = new Registry().withProperty("robotid.resolver.public-base-url", base)
                .start("filing-service", "identity-service", "lifecycle-service", "certification-service");
        maker = Registrations.accepted(registry, "Page Robotics");
        List<Identity> issued = maker.issueIdentities(registry, 2);
        robot = issued.get(0);
        spare = issued.get(1);
        String makerToken = maker.manufacturerToken;
        String ownerToken = registry.token("OPERATOR", "org_id", OWNER);
        record(makerToken, robot.getRobotId(), EventPayload.newBuilder().setProduced(Produced.newBuilder()
                .setBuildDate("2026-11-20").setFirmwareVersion("3.1.0").setFactoryTestPassed(true)
                .addComponents(io.robotid.proto.lifecycle.v1.Component.newBuilder().setPartNumber("KNEE-2").setLot("L7")
                        .setSerial("S-" + UUID.randomUUID()).setSafetyRelevant(true)
                        .setCategory(io.robotid.proto.lifecycle.v1.ComponentCategory.COMPONENT_CATEGORY_ACTUATOR)))
                .build());
        record(makerToken, robot.getRobotId(), EventPayload.newBuilder().setSold(Sold.newBuilder()
                .setBuyerOrgId(OWNER).setSaleReference("SO-1")).build());
        record(ownerToken, robot.getRobotId(), EventPayload.newBuilder().setDeployed(Deployed.newBuilder()
                .setSite("Harbour warehouse, gate 4").setScenario("logistics").setOperatorOrgId(OWNER)
                .setPublicContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC)
                        .setName(CONTACT_NAME).setEmail("desk@harbour.example"))
                .setEmergencyContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_EMERGENCY)
                        .setName("Control room").setPhone("+491701234567"))).build());
        record(registry.token("SERVICE_PROVIDER", "org_id", "svc-1"), robot.getRobotId(), EventPayload.newBuilder()
                .setMaintenancePerformed(MaintenancePerformed.newBuilder().setDescription("annual safety inspection")
                        .setInspection(true)).build());
        lifecycle(makerToken).createRecallCampaign(CreateRecallCampaignRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setTitle(RECALL_TITLE)
                .setDescription("The knee actuator firmware can overheat; update to 3.1.1.")
                .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY)
                .setCriteria(RecallCriteria.newBuilder().addModelCodes(maker.modelCode)).build());

        var regulator = Registry.as(CertificationServiceGrpc.newBlockingStub(registry.channel("certification-service")),
                registry.token("REGULATOR")).withDeadlineAfter(30, TimeUnit.SECONDS);
        regulator.accreditBody(AccreditBodyRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setBodyId("TUV-PAGE").setName("Test body").setCountry("DE").addTiers(Tier.TIER_BASE_SAFETY)
                .addTiers(Tier.TIER_MOBILITY).addStandards("ISO 13482:2014").build());
        var body = Registry.as(CertificationServiceGrpc.newBlockingStub(registry.channel("certification-service")),
                registry.token("CERTIFICATION_BODY", "certification_body_id", "TUV-PAGE"))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        long now = Instant.now().getEpochSecond();
        body.submitTestResult(SubmitTestResultRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setSubject(maker.modelCode).setTier(Tier.TIER_BASE_SAFETY).addStandards("ISO 13482:2014")
                .setTestDate(Timestamp.newBuilder().setSeconds(now - 86_400))
                .setOutcome(Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setConditions(OperatingConditions.newBuilder().setMaxSpeedMPerS(1.2).setMaxPayloadKg(5)
                        .setEnvironment(Environment.ENVIRONMENT_INDOOR_ONLY).setPeopleNearbyAllowed(true))
                .setEvidence(Evidence.newBuilder().setReportUri("https://tuv.example/reports/1")
                        .setReportSha256("a".repeat(64)))
                .setValidity(Validity.newBuilder().setValidUntil(Timestamp.newBuilder().setSeconds(now + 365L * 86_400)))
                .build());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static void record(String token, String robotId, EventPayload payload) {
        lifecycle(token).recordEvent(RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setRobotId(robotId).setOccurredAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() - 1))
                .setPayload(payload).build());
    }

    static String pageUrl(Identity identity) {
        return base + "/r/" + identity.getRobotId() + "?c="
                + URLEncoder.encode(identity.getCertificate().getText(), StandardCharsets.UTF_8);
    }

    static HttpResponse<String> get(String url, String accept, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Accept", accept);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void theAnonymousPageShowsEveryPublicFieldAndNoCustody() {
        HttpResponse<String> page = get(pageUrl(robot), "text/html", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("frame-ancestors 'none'").doesNotContain("unsafe-inline"));
        String html = page.body();
        assertThat(html).contains("Genuine robot ID", robot.getDisplayForm(), "Page Robotics (DE)", "Helper H1",
                "<strong>L1</strong>", "In service.", "Harbour warehouse, gate 4",
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Front desk", "desk@harbour.example", "+491701234567",
                "Base safety", "At most 1.2 m/s", "At most 5 kg", "Indoors only", "May work with people nearby",
                RECALL_TITLE, "Advisory", "Cameras record the surroundings for navigation; video is not stored.",
                "id=\"report-form\"");
        assertThat(html).doesNotContain("<script>", "id=\"unavailable\"", OWNER, "id=\"history\"");
        assertThat(html).containsPattern("id=\"last-maintenance\"><time datetime=\"[0-9T:.Z-]+\">");

        String json = get(pageUrl(robot), "application/json", null).body();
        assertThat(json).contains("\"verdict\":\"GENUINE\"", "\"status\":\"IN_SERVICE\"", "\"tier\":\"BASE_SAFETY\"",
                "\"maxSpeedMPerS\":1.2", "\"environment\":\"Indoors only\"", "\"title\":\"" + RECALL_TITLE + "\"",
                "\"unavailable\":[]", "\"name\":\"<script>alert('x')</script> Front desk\"");
        assertThat(json).doesNotContain(OWNER, "\"history\"", "\"owner\"");
    }

    @Test
    @Order(2)
    void regulatorOwnerAndManufacturerSeeCustodyAndHistoryAStrangerDoesNot() {
        for (String token : List.of(registry.token("REGULATOR"), registry.token("OPERATOR", "org_id", OWNER),
                maker.manufacturerToken)) {
            String json = get(pageUrl(robot), "application/json", token).body();
            assertThat(json).contains("\"owner\":\"" + OWNER + "\"", "\"history\":[", "\"type\":\"PRODUCED\"",
                    "\"type\":\"MAINTENANCE_PERFORMED\"", "\"seesCustody\":true", "\"anonymous\":false");
            String html = get(pageUrl(robot), "text/html", token).body();
            assertThat(html).contains("id=\"owner\">" + OWNER, "id=\"history\"", "Maintenance performed");
        }
        String stranger = get(pageUrl(robot), "application/json", registry.token("OPERATOR", "org_id", "org-other"))
                .body();
        assertThat(stranger).contains("\"verdict\":\"GENUINE\"", "\"seesCustody\":false").doesNotContain(OWNER,
                "\"history\"");
    }

    @Test
    @Order(3)
    void aReportBecomesAPublicIncidentInLifecycle() {
        String form = "category=malfunction&description=" + URLEncoder.encode("It walked into the loading bay door twice.",
                StandardCharsets.UTF_8) + "&place=" + URLEncoder.encode("Gate 4", StandardCharsets.UTF_8) + "&contact="
                + URLEncoder.encode("witness@example.org", StandardCharsets.UTF_8);
        HttpResponse<String> answer;
        try {
            answer = http.send(HttpRequest.newBuilder(URI.create(base + "/r/" + robot.getRobotId() + "/report"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        String reference = answer.body().replaceAll(".*\"reference\":\"([^\"]+)\".*", "$1");
        assertThat(reference).matches("PR-[0-9A-Z]{5}-[0-9A-Z]{5}");

        List<LifecycleEvent> incidents = lifecycle(registry.token("REGULATOR")).listEvents(ListEventsRequest.newBuilder()
                .setRobotId(robot.getRobotId()).addTypes(EventType.EVENT_TYPE_INCIDENT_REPORTED).build()).getEventsList();
        assertThat(incidents).anySatisfy(e -> {
            var report = e.getPayload().getIncidentReported();
            assertThat(report.getPublicReport()).isTrue();
            assertThat(report.getReference()).isEqualTo(reference);
            assertThat(report.getCategory()).isEqualTo(IncidentCategory.INCIDENT_CATEGORY_MALFUNCTION);
            assertThat(report.getDescription()).isEqualTo("It walked into the loading bay door twice.");
            assertThat(report.getPlace()).isEqualTo("Gate 4");
            assertThat(report.getReporterContact()).isEqualTo("witness@example.org");
            assertThat(e.getRecorded().getRole()).isEqualTo("REGISTRY_SERVICE");
        });
        assertThat(lifecycle(registry.token("REGULATOR")).getRobotStatus(GetRobotStatusRequest.newBuilder()
                .setRobotId(robot.getRobotId()).build()).getState().getUntriagedPublicReports()).isGreaterThanOrEqualTo(1);
        // the reporter's contact is personal data: never on the public page
        assertThat(get(pageUrl(robot), "application/json", null).body()).doesNotContain("witness@example.org");
    }

    @Test
    @Order(4)
    void aRealBrowserReadsThePageAndSendsTheReportOnDesktopAndPhone() throws Exception {
        try (Browser browser = Browser.desktop()) {
            WebDriver d = browser.driver;
            d.get(pageUrl(robot));
            assertThat(d.findElement(By.cssSelector("#verdict h1")).getText()).isEqualTo("Genuine robot ID");
            assertThat(d.findElement(By.id("manufacturer")).getText()).isEqualTo("Page Robotics (DE)");
            assertThat(d.findElement(By.id("model")).getText()).startsWith("Helper H1");
            assertThat(d.findElement(By.id("intelligence-level")).getText()).startsWith("L1.");
            assertThat(d.findElement(By.id("status")).getText()).isEqualTo("In service.");
            // the markup in the operator's contact is shown as text, not run
            assertThat(d.findElement(By.id("public-contact")).getText()).contains(CONTACT_NAME, "desk@harbour.example");
            assertThat(d.findElement(By.id("emergency-contact")).getText()).contains("+491701234567");
            assertThat(d.findElement(By.id("certifications")).getText()).contains("Base safety", "At most 1.2 m/s",
                    "Indoors only");
            assertThat(d.findElement(By.id("last-maintenance")).getText()).matches("\\d{1,2} \\w+ \\d{4}");
            assertThat(d.findElement(By.id("recalls")).getText()).contains(RECALL_TITLE);
            assertThat(d.findElement(By.id("data-notice")).getText()).startsWith("Cameras record");
            assertThat(d.findElements(By.id("unavailable"))).isEmpty();
            assertThat(d.findElements(By.id("owner"))).isEmpty();
            // the style sheet applied (CSP allows it): the verdict box has its green border
            assertThat(d.findElement(By.id("verdict")).getCssValue("border-left-color")).isEqualTo("rgba(26, 127, 55, 1)");
            browser.screenshot("robot-page-desktop");

            new Select(d.findElement(By.id("category"))).selectByValue("property_damage");
            d.findElement(By.id("description")).sendKeys("It knocked over a pallet of boxes at gate 4.");
            d.findElement(By.id("contact")).sendKeys("+4930123456");
            browser.screenshot("robot-page-desktop-report-filled");
            d.findElement(By.id("report-submit")).click();
            new WebDriverWait(d, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("reference")));
            assertThat(d.findElement(By.id("reference")).getText()).matches("PR-[0-9A-Z]{5}-[0-9A-Z]{5}");
            assertThat(d.findElement(By.tagName("h1")).getText()).contains("your report was received");
            browser.screenshot("robot-page-desktop-report-received");

            // the page links to the robot's history report: for a stranger, the ID and filing shown, events withheld
            d.get(pageUrl(robot));
            d.findElement(By.cssSelector("#history-link a")).click();
            assertThat(d.findElement(By.cssSelector("#verdict h1")).getText()).isEqualTo("History of robot " + robot.getRobotId());
            assertThat(d.findElements(By.cssSelector("#records tr.shown[data-section='identity']"))).hasSize(1);
            assertThat(d.findElements(By.cssSelector("#records tr.withheld[data-section='event']"))).isNotEmpty();
            assertThat(d.findElements(By.cssSelector("#records tr.shown[data-section='event']"))).isEmpty();
            assertThat(d.findElement(By.id("json")).getAttribute("href")).endsWith("/history?format=json");
            browser.screenshot("robot-history-desktop");
        }
        try (Browser browser = Browser.phone()) {
            WebDriver d = browser.driver;
            d.get(pageUrl(robot));
            assertThat(d.findElement(By.cssSelector("#verdict h1")).getText()).isEqualTo("Genuine robot ID");
            // one column, nothing wider than the phone
            Number scrollWidth = (Number) ((org.openqa.selenium.JavascriptExecutor) d)
                    .executeScript("return document.documentElement.scrollWidth");
            Number clientWidth = (Number) ((org.openqa.selenium.JavascriptExecutor) d)
                    .executeScript("return document.documentElement.clientWidth");
            assertThat(scrollWidth.intValue()).isLessThanOrEqualTo(clientWidth.intValue());
            browser.screenshot("robot-page-phone");
            // a report that breaks the rules comes back naming the field and the rule
            new Select(d.findElement(By.id("category"))).selectByValue("fall");
            ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                    "document.getElementById('report-form').noValidate = true");
            d.findElement(By.id("description")).sendKeys("fell");
            d.findElement(By.id("report-submit")).click();
            new WebDriverWait(d, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(
                    By.id("error-description")));
            assertThat(d.findElement(By.id("error-description")).getText())
                    .isEqualTo("Description must be 10 to 2000 characters, has 4.");
            browser.screenshot("robot-page-phone-report-error");

            // a forged label and an unknown ID, as a person sees them
            String[] parts = spare.getCertificate().getText().split("\\.");
            d.get(base + "/r/" + robot.getRobotId() + "?c=" + spare.getCertificate().getText());
            assertThat(d.findElement(By.cssSelector("#verdict h1")).getText()).isEqualTo("This label is not genuine");
            browser.screenshot("robot-page-phone-forged");
            String unknown = robot.getRobotId().substring(0, 16) + "999999999999";
            d.get(base + "/r/" + unknown + io.robotid.system.RobotPageSystemIT.check(unknown));
            assertThat(d.findElement(By.cssSelector("#verdict h1")).getText()).isEqualTo("No robot has this ID");
            browser.screenshot("robot-page-phone-unknown");
            assertThat(parts).hasSize(3);
        }
        assertThat(Files.list(Browser.SCREENSHOTS).count()).isGreaterThanOrEqualTo(7);
    }

    static char check(String first28) {
        // ISO/IEC 7064 MOD 37,36 (DESIGN.md section 2)
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        int p = 36;
        for (char c : first28.toCharArray()) {
            int s = (p % 37 + alphabet.indexOf(c)) % 36;
            p = (s == 0 ? 36 : s) * 2 % 37;
        }
        int v = (37 - p) % 36;
        return alphabet.charAt(v);
    }

    @Test
    @Order(5)
    void withLifecycleStoppedThePageStillRendersAndSaysLifecycleIsUnavailable() throws Exception {
        registry.service("lifecycle-service").kill();
        HttpResponse<String> page = get(pageUrl(robot), "text/html", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Genuine robot ID", "Page Robotics (DE)", "Helper H1", "Base safety",
                "At most 1.2 m/s", "id=\"unavailable\"", "data-part=\"lifecycle\"",
                "Status, contacts, maintenance and recalls: unavailable right now (lifecycle-service is not reachable)");
        assertThat(page.body()).doesNotContain("data-part=\"certification\"", "data-part=\"model\"");
        String json = get(pageUrl(robot), "application/json", null).body();
        assertThat(json).contains("\"part\":\"lifecycle\"", "\"verdict\":\"GENUINE\"").doesNotContain("\"lifecycle\":{");
        try (Browser browser = Browser.phone()) {
            browser.driver.get(pageUrl(robot));
            assertThat(browser.driver.findElement(By.id("unavailable")).getText()).contains("lifecycle-service is not reachable");
            browser.screenshot("robot-page-phone-lifecycle-down");
        }
    }
}
