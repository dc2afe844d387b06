package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.robotid.proto.certification.v1.CertificationServiceGrpc;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsRequest;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsResponse;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.DenialReason;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.ListDenialsRequest;
import io.robotid.proto.geofence.v1.ListDenialsResponse;
import io.robotid.proto.geofence.v1.ListGrantsRequest;
import io.robotid.proto.geofence.v1.Position;
import io.robotid.proto.identity.v1.CertificateCheck;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.robotid.proto.identity.v1.VerifyIdentityResponse;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.GetRobotStatusRequest;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.VerifyChainRequest;
import io.robotid.system.demo.Demo;
import io.robotid.system.life.GeofenceSteps;
import io.robotid.system.life.RobotLife;
import io.robotid.system.support.OtlpReceiver;
import io.robotid.system.support.PromQl;
import io.robotid.system.support.Scrape;
import io.robotid.system.support.Registry;
import io.robotid.system.support.StepsInOrder;

/**
 * A robot's whole life across the registry (issue 8): every service from its built jar, the real
 * OIDC provider process, the real PostgreSQL, driven through the public APIs only, with tokens by
 * client credentials. The steps are {@link RobotLife}'s (the same that {@code bin/robotid demo}
 * runs); each checks its outcomes itself, and the tests here check the key facts again with their
 * own calls. One test per step, in order; after a failed step (in {@link RobotLife} or in a test's own
 * checks) every later test fails too, naming the first failed step ({@link StepsInOrder}).
 *
 * <p>Also: the services export their spans over OTLP/HTTP to a receiver this test runs
 * (ROBOTID_OTLP_ENDPOINT), and every call of a step carries the step's W3C traceparent, so one trace
 * id must show up in the spans of every service the step reached; and each service's output is left
 * in {@code target/service-logs/RobotWholeLifeSystemIT/} with the printed story ({@code story.txt}).
 *
 * <p>The geofence parts of steps 5, 6, 7, 8 and 10 are {@link GeofenceSteps}' (zones, a grant, the
 * robot's own checks with verified receipts, its watch stream, the suspension denied within a second,
 * and a bundle for the recycled robot); the tests here ask geofence-service again as a regulator and
 * read its denial audit log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RobotWholeLifeSystemIT {
    static final List<String> SERVICES = List.of("filing-service", "identity-service", "lifecycle-service",
            "certification-service", "geofence-service");
    /** The services the public page (step 9) gathers from. */
    static final List<String> PAGE_SERVICES = List.of("filing-service", "identity-service", "lifecycle-service",
            "certification-service");
    static OtlpReceiver otlp;
    static Registry registry;
    static RobotLife life;
    static GeofenceSteps geofence;
    static final ByteArrayOutputStream story = new ByteArrayOutputStream();
    /** The tests build on each other: after the first failure, the later ones fail naming it. */
    @RegisterExtension
    static final StepsInOrder steps = new StepsInOrder();

    @BeforeAll
    static void start() {
        otlp = new OtlpReceiver();
        registry = new Registry()
                .withEnvironment("ROBOTID_OTLP_ENDPOINT", otlp.endpoint())
                // export every second instead of every five (the test waits for spans with a deadline either way)
                .withProperty("quarkus.otel.bsp.schedule.delay", "1s")
                .withProperty("robotid.resolver.public-base-url", "http://127.0.0.1:" + Registry.PORTS.get("identity-service"))
                // identity-service starts before lifecycle-service: keep its feed reconnects short
                .withProperty("robotid.identity.lifecycle-feed.max-retry", "2s")
                // lifecycle-service logs JSON, as the chart runs every service
                .withEnvironment("lifecycle-service", "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")
                .start(SERVICES.toArray(String[]::new));
        PrintStream both = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                System.out.write(b);
                story.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                System.out.write(b, off, len);
                story.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        geofence = new GeofenceSteps();
        life = new RobotLife(registry, both, geofence);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            Files.writeString(registry.logs().resolve("story.txt"), story.toString(StandardCharsets.UTF_8));
        } finally {
            registry.close();
            otlp.close();
        }
    }

    /** Runs a step of {@link RobotLife} (a failure fails the later tests too: {@link #steps}). */
    static void step(Runnable run) {
        run.run();
    }

    static VerifyIdentityResponse verify(Identity id) {
        return IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")).withDeadlineAfter(30, TimeUnit.SECONDS)
                .verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(id.getRobotId())
                        .setCertificate(id.getCertificate().getText()).build());
    }

    static RobotState state() {
        return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")),
                registry.token("AUDITOR")).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(life.robot.getRobotId()).build()).getState();
    }

    static GetEffectiveCertificationsResponse effective() {
        return Registry.as(CertificationServiceGrpc.newBlockingStub(registry.channel("certification-service")),
                registry.token("AUDITOR")).withDeadlineAfter(30, TimeUnit.SECONDS)
                .getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder()
                        .setRobotId(life.robot.getRobotId()).build());
    }

    /** The check of the story's robot at a place, asked by a regulator (who may ask about any robot). */
    static CheckPermissionResponse regulatorCheck(GeofenceSteps.Place place) {
        return Registry.as(GeofenceServiceGrpc.newBlockingStub(registry.channel("geofence-service")), registry.token("REGULATOR"))
                .withDeadlineAfter(30, TimeUnit.SECONDS).checkPermission(CheckPermissionRequest.newBuilder()
                        .setRobotId(life.robot.getRobotId()).setPosition(Position.newBuilder().setLatitude(place.lat())
                                .setLongitude(place.lon())).setTaskCategory(GeofenceSteps.TASK).build());
    }

    static GeofenceServiceGrpc.GeofenceServiceBlockingStub geofenceAs(String role) {
        return Registry.as(GeofenceServiceGrpc.newBlockingStub(registry.channel("geofence-service")), registry.token(role))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static Set<Tier> tiers(GetEffectiveCertificationsResponse e) {
        return Set.copyOf(e.getTiersList().stream().map(t -> t.getTier()).toList());
    }

    @Test
    @Order(1)
    void step1ARegulatorRegistersAManufacturerThatFilesASiteAndAModelTheRegulatorAccepts() {
        step(life::step1Filing);
        assertThat(life.maker.manufacturerCode).matches("[0-9A-HJ-NP-Z]{4}");
        assertThat(life.maker.siteCode).matches("[0-9A-HJ-NP-Z]{2}");
        assertThat(life.maker.modelCode).matches("[0-9A-HJ-NP-Z]{6}");
    }

    @Test
    @Order(2)
    void step2TheManufacturerIssuesABatchOfIdsEachVerifiesAsGenuine() {
        step(life::step2Identities);
        assertThat(life.batch).hasSize(3);
        for (Identity id : life.batch) {
            assertThat(id.getRobotId()).startsWith("DE" + life.maker.manufacturerCode + life.maker.modelCode + "26"
                    + life.maker.siteCode);
            VerifyIdentityResponse v = verify(id);
            assertThat(v.getVerdict()).isEqualTo(Verdict.VERDICT_VALID);
            assertThat(v.getCertificate()).isEqualTo(CertificateCheck.CERTIFICATE_CHECK_GENUINE);
        }
    }

    @Test
    @Order(3)
    void step3ProductionWithPartsAndPassingResultsFromABodyOverRestAndAnotherOverGrpc() {
        step(life::step3ProductionAndCertification);
        RobotState state = state();
        assertThat(state.getStatus()).isEqualTo(RobotStatus.ROBOT_STATUS_IN_STOCK);
        assertThat(state.getComponentsList()).extracting(c -> c.getPartNumber()).containsExactlyInAnyOrder("KNEE-ACT-2",
                "BAT-48V", "CAM-ST");
        GetEffectiveCertificationsResponse e = effective();
        assertThat(tiers(e)).contains(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_PUBLIC_SPACE);
        // the model-level tiers come from the REST body, the unit-level one from the gRPC body
        assertThat(e.getTiersList()).anySatisfy(t -> {
            assertThat(t.getTier()).isEqualTo(Tier.TIER_BASE_SAFETY);
            assertThat(t.getCertificatesList()).extracting(c -> c.getBodyId()).containsExactly(life.restBody);
        }).anySatisfy(t -> {
            assertThat(t.getTier()).isEqualTo(Tier.TIER_PUBLIC_SPACE);
            assertThat(t.getCertificatesList()).extracting(c -> c.getBodyId()).containsExactly(life.grpcBody);
        });
    }

    @Test
    @Order(4)
    void step4SoldCustodyTransferredAndDeployedByAnOperator() {
        step(life::step4SaleTransferDeployment);
        RobotState state = state();
        assertThat(state.getStatus()).isEqualTo(RobotStatus.ROBOT_STATUS_IN_SERVICE);
        assertThat(state.getOwnerOrgId()).isEqualTo(life.owner);
        assertThat(state.getOperatorOrgId()).isEqualTo(life.owner);
    }

    @Test
    @Order(5)
    void step5AZoneAuthoritySetsAProhibitedARestrictedWithAGrantAndAPublicSpaceZone() {
        step(life::step5Zones);
        // the robot's own checks are GeofenceSteps'; a regulator asking gets the same decisions
        CheckPermissionResponse prohibited = regulatorCheck(geofence.inProhibited);
        assertThat(prohibited.getVerdict()).isEqualTo(io.robotid.proto.geofence.v1.Verdict.VERDICT_DENY);
        assertThat(prohibited.getReasonsList()).containsExactly(DenialReason.DENIAL_REASON_PROHIBITED_ZONE);
        assertThat(regulatorCheck(geofence.inRestricted).getVerdict()).isEqualTo(io.robotid.proto.geofence.v1.Verdict.VERDICT_ALLOW);
        CheckPermissionResponse square = regulatorCheck(geofence.inPublic);
        assertThat(square.getVerdict()).isEqualTo(io.robotid.proto.geofence.v1.Verdict.VERDICT_ALLOW_WITH_CONDITIONS);
        assertThat(square.getSpeedLimitMPerS()).isEqualTo(1.2);
        assertThat(geofenceAs("AUDITOR").listGrants(ListGrantsRequest.newBuilder().setRobotId(life.robot.getRobotId()).build())
                .getGrantsList()).extracting(g -> g.getGrantId()).containsExactly(geofence.grant.getGrantId());
    }

    @Test
    @Order(6)
    void step6SuspendedItsChecksDenyWithinASecondAndItsWatchSaysSoReinstatedTheyRecover() {
        step(life::step6SuspendAndReinstate);
        assertThat(state().getStatus()).isEqualTo(RobotStatus.ROBOT_STATUS_IN_SERVICE);
        System.out.println("suspension -> DENY (SUSPENDED): " + geofence.suspensionToDeny.toMillis()
                + " ms; suspension -> watch ROBOT_CHANGED: " + geofence.suspensionToWatch.toMillis() + " ms");
        assertThat(geofence.suspensionToDeny).isLessThan(Duration.ofSeconds(1));
        assertThat(geofence.suspensionToWatch).isLessThan(Duration.ofSeconds(1));
        assertThat(regulatorCheck(geofence.inRestricted).getVerdict()).isEqualTo(io.robotid.proto.geofence.v1.Verdict.VERDICT_ALLOW);
    }

    @Test
    @Order(7)
    void step7ASafetyRelevantPartReplacedNeedsReValidationUntilANewPassingTest() {
        step(life::step7PartReplaced);
        GetEffectiveCertificationsResponse e = effective();
        assertThat(e.getNeedsRevalidationList()).isEmpty();
        assertThat(tiers(e)).contains(Tier.TIER_BASE_SAFETY);
        assertThat(e.getExcludedList()).extracting(x -> x.getReason())
                .doesNotContain(io.robotid.proto.certification.v1.ExclusionReason.EXCLUSION_REASON_NEEDS_REVALIDATION);
    }

    @Test
    @Order(8)
    void step8AStopUseRecallForItsFirmwareASoftwareUpdateAndTheRemedy() {
        step(life::step8StopUseRecall);
        RobotState state = state();
        assertThat(state.getOpenStopUseRecallsList()).isEmpty();
        assertThat(state.getFirmwareVersion()).isEqualTo("3.1.1");
        assertThat(tiers(effective())).contains(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_PUBLIC_SPACE);
    }

    @Test
    @Order(9)
    void step9AnIncidentReportedThroughThePublicPageThePageShowsTheRobot() {
        step(life::step9PublicReport);
        assertThat(life.page.path("verdict").asText()).isEqualTo("GENUINE");
        assertThat(life.page.path("lifecycle").path("status").asText()).isEqualTo("IN_SERVICE");
        assertThat(life.pageUrl).startsWith("http://127.0.0.1:" + Registry.PORTS.get("identity-service") + "/r/"
                + life.robot.getRobotId() + "?c=");
        assertThat(state().getUntriagedPublicReports()).isEqualTo(1);
    }

    @Test
    @Order(10)
    void step10DecommissionedScrappedRecycledRetiredChainIntact() {
        step(life::step10EndOfLife);
        assertThat(verify(life.robot).getVerdict()).isEqualTo(Verdict.VERDICT_RETIRED);
        // the other IDs of the batch were never produced: they stay valid
        assertThat(verify(life.batch.get(1)).getVerdict()).isEqualTo(Verdict.VERDICT_VALID);
        assertThat(state().getStatus()).isEqualTo(RobotStatus.ROBOT_STATUS_RECYCLED);
        var chain = Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")),
                registry.token("AUDITOR")).verifyChain(VerifyChainRequest.newBuilder().setRobotId(life.robot.getRobotId())
                        .build());
        assertThat(chain.getIntact()).isTrue();
        assertThat(chain.getEventsChecked()).isEqualTo(15);
        assertThat(life.events).extracting(LifecycleEvent::getType).startsWith(EventType.EVENT_TYPE_PRODUCED)
                .endsWith(EventType.EVENT_TYPE_DECOMMISSIONED, EventType.EVENT_TYPE_SCRAPPED, EventType.EVENT_TYPE_RECYCLED);
        // no more permissions, whoever asks
        assertThat(regulatorCheck(geofence.inRestricted).getReasonsList()).containsExactly(DenialReason.DENIAL_REASON_NOT_IN_SERVICE);
        // and geofence-service's audit log of denials holds this life's denials with their reasons (written every 200 ms)
        Instant until = Instant.now().plusSeconds(10);
        Set<DenialReason> denied;
        Set<DenialReason> expected = Set.of(DenialReason.DENIAL_REASON_PROHIBITED_ZONE, DenialReason.DENIAL_REASON_NO_GRANT,
                DenialReason.DENIAL_REASON_SUSPENDED, DenialReason.DENIAL_REASON_MISSING_CERTIFICATION,
                DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN, DenialReason.DENIAL_REASON_NOT_IN_SERVICE);
        do {
            denied = new java.util.TreeSet<>();
            String pageToken = "";
            do {
                ListDenialsResponse page = geofenceAs("AUDITOR").listDenials(ListDenialsRequest.newBuilder()
                        .setRobotId(life.robot.getRobotId()).setPageSize(500).setPageToken(pageToken).build());
                page.getDenialsList().forEach(d -> assertThat(d.getRobotId()).isEqualTo(life.robot.getRobotId()));
                for (var d : page.getDenialsList()) {
                    denied.addAll(d.getReasonsList());
                }
                pageToken = page.getNextPageToken();
            } while (!pageToken.isEmpty());
        } while (!denied.containsAll(expected) && Instant.now().isBefore(until) && sleep(200));
        assertThat(denied).as("reasons in the denial audit log of " + life.robot.getRobotId()).isEqualTo(expected);
    }

    static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    @Order(11)
    void oneTraceIdSpansTheCallsBetweenServicesExportedOverOtlp() {
        // step 2: IssueIdentities reaches identity-service, which asks filing-service
        String issuing = life.traceIds().get(2);
        assertThat(otlp.awaitServices(issuing, Set.of("identity-service", "filing-service"), Duration.ofSeconds(30)))
                .as("services with spans of trace %s (step 2)", issuing)
                .contains("identity-service", "filing-service");
        // identity-service's server span is the child of the span the client named in its traceparent
        String clientSpan = life.traceparents().get(2).split("-")[2];
        assertThat(otlp.spans(issuing)).anySatisfy(span -> {
            assertThat(span.service()).isEqualTo("identity-service");
            assertThat(span.parentSpanId()).isEqualTo(clientSpan);
        });
        // and filing-service's span is a descendant of identity-service's (not a root of its own)
        assertThat(otlp.spans(issuing)).filteredOn(span -> span.service().equals("filing-service"))
                .allSatisfy(span -> assertThat(span.parentSpanId()).isNotEmpty().isNotEqualTo(clientSpan));

        // step 9: the public page (HTTP) gathers from lifecycle-, certification- and filing-service
        String page = life.traceIds().get(9);
        assertThat(otlp.awaitServices(page, Set.copyOf(PAGE_SERVICES), Duration.ofSeconds(30)))
                .as("services with spans of trace %s (step 9)", page).containsAll(PAGE_SERVICES);
        // step 5: the zone authority's and the robot's calls to geofence-service carry the step's traceparent
        String zones = life.traceIds().get(5);
        assertThat(otlp.awaitServices(zones, Set.of("geofence-service"), Duration.ofSeconds(30)))
                .as("services with spans of trace %s (step 5)", zones).contains("geofence-service");
        String zonesClientSpan = life.traceparents().get(5).split("-")[2];
        assertThat(otlp.spans(zones)).anySatisfy(span -> {
            assertThat(span.service()).isEqualTo("geofence-service");
            assertThat(span.parentSpanId()).isEqualTo(zonesClientSpan);
        });
        assertThat(otlp.failures()).isEmpty();
        assertThat(otlp.spans()).extracting(OtlpReceiver.Span::traceId).doesNotContain("0".repeat(32));
    }

    @Test
    @Order(12)
    void eachServiceLeavesItsLogAsAnArtifact() throws IOException {
        for (String service : SERVICES) {
            String log = Files.readString(registry.log(service));
            assertThat(log).as(service).contains(service + " 0.1.0-SNAPSHOT on JVM", "exporting traces over OTLP/HTTP to "
                    + otlp.endpoint());
        }
        assertThat(Files.readString(registry.log("identity-service"))).contains("robot " + life.robot.getRobotId()
                + " is DECOMMISSIONED: its ID is retired");
        // certification-service follows lifecycle's feed; a robot's re-validation marks are DEBUG (one per feed entry,
        // 1,000,000 lines in the scale run), so its log shows the follower, and the marks are in its feed and log
        assertThat(Files.readString(registry.log("certification-service"))).contains("following the lifecycle feed from sequence");
        assertThat(registry.log("local-oidc")).exists();
    }

    @Test
    @Order(15)
    void jsonLogLinesCarryTheServiceTheTraceAndWhoAskedOnEachRequestLine() throws IOException {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(registry.log("lifecycle-service"))) {
            if (line.startsWith("{")) {
                lines.add(json.readTree(line));
            }
        }
        assertThat(lines).hasSizeGreaterThan(10).allMatch(l -> l.path("service").asText().equals("lifecycle-service")
                && l.hasNonNull("level") && l.hasNonNull("message") && l.hasNonNull("timestamp"));
        // the whole-life story's production event: its request line names the method, the outcome and the caller
        List<com.fasterxml.jackson.databind.JsonNode> requests = lines.stream()
                .filter(l -> l.path("loggerName").asText().equals("io.robotid.request")).toList();
        assertThat(requests).anySatisfy(l -> {
            assertThat(l.path("message").asText()).contains("LifecycleService/RecordEvent OK");
            assertThat(l.path("mdc").path("traceId").asText()).matches("[0-9a-f]{32}");
            assertThat(l.path("mdc").path("callerSubject").asText()).isNotBlank().isNotEqualTo("anonymous");
            assertThat(l.path("mdc").path("callerOrg").asText()).startsWith("manufacturer_code:");
        });
    }

    @Test
    @Order(13)
    void theDemoTellsTheSameStoryAgainstARunningRegistry() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        SERVICES.forEach(service -> ports.put(service, Registry.PORTS.get(service)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Demo.run(registry.issuer(), ports, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed + err.toString(StandardCharsets.UTF_8)).isZero();
        for (int step = 1; step <= 10; step++) {
            assertThat(printed).contains("\nStep " + step + ". ");
        }
        // a second robot of another manufacturer, with its own page
        assertThat(printed).doesNotContain(life.robot.getRobotId())
                .containsPattern("\nThe robot's public page: http://127\\.0\\.0\\.1:" + Registry.PORTS.get("identity-service")
                        + "/r/[0-9A-Z]{29}\\?c=\\S+\n$")
                .contains("RECYCLED; every step came out as designed.");
        // and the registry not up is said in words, with exit status 2
        ByteArrayOutputStream down = new ByteArrayOutputStream();
        assertThat(Demo.run("http://127.0.0.1:9/robotid", ports, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(down, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(down.toString(StandardCharsets.UTF_8)).contains("bin/robotid up");
    }

    /** The chart's dashboard and alerts, read from the chart itself. */
    static final java.nio.file.Path CHART_FILES = java.nio.file.Path.of("..", "k8s", "robotid", "files");

    @Test
    @Order(14)
    void everyServiceCountsTheStoryInItsPrometheusMetricsAndTheDashboardReadsOnlyMetricsTheyExpose() throws IOException {
        Map<String, Scrape> scrapes = new LinkedHashMap<>();
        SERVICES.forEach(service -> scrapes.put(service, Scrape.of(registry.baseUrl(service))));
        for (var e : scrapes.entrySet()) {
            Scrape m = e.getValue();
            // gRPC per method and status, HTTP, the JVM and the database pool, on every service
            assertThat(m.names()).as(e.getKey()).contains("grpc_server_processing_duration_seconds_count",
                    "http_server_requests_seconds_count", "jvm_memory_used_bytes", "sql_pool_active",
                    "robotid_token_cache_misses_total", "robotid_token_cache_weight_bytes",
                    "robotid_token_cache_max_weight_bytes");
            assertThat(m.samples("grpc_server_processing_duration_seconds_count")).as(e.getKey())
                    .allMatch(s -> s.labels().containsKey("method") && s.labels().containsKey("statusCode"));
            // every service's log holds the story's records
            assertThat(m.sum("robotid_tlog_size_leaves")).as(e.getKey() + " log size").isPositive();
            // bounded labels only: no robot ID, token or free text
            assertThat(m.samples("robotid_events_appended_total").stream().map(s -> s.labels().toString()).toList())
                    .noneMatch(labels -> labels.contains(life.robot.getRobotId()));
        }
        // the story's issuance, events and checks are counted where they happened
        assertThat(scrapes.get("identity-service").sum("robotid_ids_issued_total")).isGreaterThanOrEqualTo(1);
        Scrape lifecycle = scrapes.get("lifecycle-service");
        for (String type : List.of("EVENT_TYPE_PRODUCED", "EVENT_TYPE_SOLD", "EVENT_TYPE_DEPLOYED", "EVENT_TYPE_RECYCLED")) {
            assertThat(lifecycle.sum("robotid_events_appended_total", Map.of("type", type))).as(type).isGreaterThanOrEqualTo(1);
        }
        Scrape checks = scrapes.get("geofence-service");
        assertThat(checks.sum("robotid_permission_checks_seconds_count", Map.of("verdict", "ALLOW"))).isGreaterThanOrEqualTo(1);
        assertThat(checks.sum("robotid_permission_checks_seconds_count", Map.of("verdict", "DENY"))).isGreaterThanOrEqualTo(1);
        assertThat(checks.sum("robotid_receipts_signed_total")).isGreaterThanOrEqualTo(
                checks.sum("robotid_permission_checks_seconds_count"));
        assertThat(checks.sum("robotid_denials_written_total")).isGreaterThanOrEqualTo(1);
        assertThat(checks.names()).contains("robotid_denials_dropped_total", "robotid_denials_waiting");
        assertThat(checks.sum("robotid_denials_dropped_total")).isZero();
        // each follower applied the lifecycle feed and has every entry (lag 0)
        for (String follower : List.of("identity-service", "certification-service", "geofence-service")) {
            assertThat(scrapes.get(follower).sum("robotid_feed_position", Map.of("feed", "lifecycle"))).as(follower).isPositive();
            assertThat(scrapes.get(follower).sum("robotid_feed_lag_seconds", Map.of("feed", "lifecycle"))).as(follower).isZero();
        }
        assertThat(scrapes.get("identity-service").sum("robotid_signing_key_age_seconds")).isPositive();
        // the publishers' heads, from which the dashboard derives each follower's lag in entries
        assertThat(lifecycle.sum("robotid_feed_head", Map.of("feed", "lifecycle"))).isPositive();
        assertThat(scrapes.get("certification-service").sum("robotid_feed_head", Map.of("feed", "certification"))).isPositive();

        // every metric the dashboard's panels and the alerts read is one a real service exposes
        Set<String> exposed = new java.util.HashSet<>();
        scrapes.values().forEach(m -> exposed.addAll(m.names()));
        // counted per witness, so present only where a log has witnesses (this registry has none):
        // lifecycle-service's TransparencyLogIT reads them from a service with three
        exposed.addAll(List.of("robotid_tlog_cosignatures_total", "robotid_tlog_witness_failures_total"));
        var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(CHART_FILES.resolve("dashboard.json").toFile());
        int queries = 0;
        for (var panel : dashboard.get("panels")) {
            for (var target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                assertThat(PromQl.metricNames(expr)).as(panel.get("title").asText() + ": " + expr).isNotEmpty()
                        .allMatch(exposed::contains);
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(12);
        int alerts = 0;
        for (String line : Files.readAllLines(CHART_FILES.resolve("alerts.yaml"))) {
            if (line.strip().startsWith("expr:")) {
                String expr = line.strip().substring("expr:".length()).replaceAll("\\{\\{[^}]*}}", "0");
                Set<String> names = PromQl.metricNames(expr);
                names.removeIf(n -> n.equals("up") || n.startsWith("kube_")); // Prometheus's own, kube-state-metrics
                assertThat(names).as(expr).allMatch(exposed::contains);
                alerts++;
            }
        }
        assertThat(alerts).isGreaterThanOrEqualTo(9);
    }
}
