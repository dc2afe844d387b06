package io.robotid.geofence.grpc;

import io.robotid.testkit.Filings;
import static io.robotid.geofence.support.Registry.*;
import static io.robotid.geofence.support.Zones.*;
import static io.robotid.testkit.GrpcAssertions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.google.protobuf.ByteString;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.offline.OfflineBundle;
import io.robotid.geofence.offline.Receipts;
import io.robotid.evidence.verify.Rejected;
import io.robotid.geofence.support.Registry;
import io.robotid.geofence.support.RegistryProcesses;
import io.robotid.proto.certification.v1.Environment;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.geofence.v1.*;
import io.robotid.proto.lifecycle.v1.CreateRecallCampaignRequest;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.RecallCriteria;
import io.robotid.proto.lifecycle.v1.RecallRemedied;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.Reinstated;
import io.robotid.proto.lifecycle.v1.SoftwareUpdated;
import io.robotid.proto.lifecycle.v1.Suspended;
import io.robotid.testkit.Tokens;

/**
 * Checks against the real registry: robots brought into service through a real lifecycle-service and
 * certified through a real certification-service, whose feeds this service follows; zones and grants set
 * here. Decisions per DESIGN.md section 6, signed receipts, who may ask, changes within a second with the
 * watch stream telling the robot, offline bundles that decide as the service does, the denial audit.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PermissionCheckIT {
    static final String HARBOUR = "op-harbour";
    static final String OTHER = "op-other";
    static final String CITY = authority("city-geo");
    static Registry registry;
    static Filings.Maker maker;
    static String robotA;
    static String robotB;
    static String robotInStock;
    static String neverRecorded;
    static Zone prohibited;
    static Zone restricted;
    static Zone publicSquare;
    static Zone hall;
    static Grant harbourGrant;

    // places (lat, lon): outside every zone; inside each zone
    static final double[] NOWHERE = {51.50, 12.50};
    static final double[] IN_PROHIBITED = {51.005, 12.005};
    static final double[] IN_RESTRICTED = {51.105, 12.105};
    static final double[] IN_PUBLIC = {51.205, 12.205};

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(4);
        robotA = maker.robots().get(0);
        robotB = maker.robots().get(1);
        robotInStock = maker.robots().get(2);
        neverRecorded = maker.robots().get(3);
        registry.inService(maker, robotA, HARBOUR);
        registry.inService(maker, robotB, OTHER);
        registry.produced(maker, robotInStock);
        String body = registry.accredit();
        registry.pass(body, maker.modelCode(), Tier.TIER_BASE_SAFETY, null);
        registry.pass(body, maker.modelCode(), Tier.TIER_MOBILITY, null);
        registry.pass(body, maker.modelCode(), Tier.TIER_PUBLIC_SPACE, OperatingConditions.newBuilder().setMaxSpeedMPerS(1.8)
                .setEnvironment(Environment.ENVIRONMENT_INDOOR_AND_OUTDOOR).setPeopleNearbyAllowed(true).build());

        prohibited = create(outdoor("Substation", ZoneKind.ZONE_KIND_PROHIBITED, square(51.0, 12.0, 0.01)));
        restricted = create(outdoor("Container quay", ZoneKind.ZONE_KIND_RESTRICTED, square(51.1, 12.1, 0.01)));
        publicSquare = create(outdoor("Market square", ZoneKind.ZONE_KIND_CONDITIONAL, holed(51.2, 12.2, 0.03))
                .setPublicSpace(true).setConditions(speed(1.2)));
        hall = create(indoor("Hall 1", ZoneKind.ZONE_KIND_CONDITIONAL, "expo", "1", "A")
                .setConditions(ZoneConditions.newBuilder().addAllowedTaskCategories("cleaning")));
        harbourGrant = registry.as(CITY).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                .setZoneId(restricted.getZoneId()).setOperatorOrgId(HARBOUR).addTaskCategories("logistics").build()).getGrant();

        // the projections follow the feeds: wait until robot A is in service with its three tiers and a level
        await("robot A projected in service, certified and with its level", () -> {
            // the three certificates arrive in any order: the last, PUBLIC_SPACE, brings the 1.8 m/s
            CheckPermissionResponse r = check(Tokens.regulator(), robotA, NOWHERE, "logistics");
            return r.getVerdict() == Verdict.VERDICT_ALLOW_WITH_CONDITIONS && r.getSpeedLimitMPerS() == 1.8;
        });
        await("robot B projected", () -> check(Tokens.regulator(), robotB, NOWHERE, "logistics").getVerdict() != Verdict.VERDICT_DENY);
        await("levels known", () -> registry.as(Tokens.regulator()).watchPermissions(WatchPermissionsRequest.newBuilder()
                .setRobotId(robotA).build()).next().getRobot().getIntelligenceLevel()
                == io.robotid.proto.filing.v1.IntelligenceLevel.INTELLIGENCE_LEVEL_L2);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static Zone create(ZoneDefinition.Builder zone) {
        return registry.as(CITY).createZone(CreateZoneRequest.newBuilder().setRequestId(requestId()).setZone(zone).build()).getZone();
    }

    static CheckPermissionRequest.Builder request(String robotId, double[] place, String task) {
        return CheckPermissionRequest.newBuilder().setRobotId(robotId)
                .setPosition(Position.newBuilder().setLatitude(place[0]).setLongitude(place[1])).setTaskCategory(task);
    }

    static CheckPermissionResponse check(String token, String robotId, double[] place, String task) {
        return registry.as(token).checkPermission(request(robotId, place, task).build());
    }

    /**
     * geofence-service's transparency log (EVIDENCE.md section 11): every policy change, and the header of
     * the batch a receipt was signed in, verify under the log's checkpoint: a receipt's holder proves
     * that its batch was logged.
     */
    @Test
    @Order(90)
    void policyChangesAndReceiptBatchesAreInTheLog() throws Exception {
        var info = registry.log(null).getLogInfo(io.robotid.proto.tlog.v1.GetLogInfoRequest.getDefaultInstance());
        io.robotid.evidence.tlog.WitnessPolicy logOnly = io.robotid.evidence.tlog.WitnessPolicy.parse("log " + info.getVkey()
                + "\nquorum none\n");
        Receipt receipt = check(robot(robotA), robotA, NOWHERE, "logistics").getReceipt();
        byte[] header = receipt.getSignedBatch().toByteArray();
        String batchKey = "receipt-batch/" + io.robotid.evidence.codec.Hex.of(io.robotid.evidence.codec.Sha256.of(header));
        io.robotid.evidence.tlog.RecordProofs.verify(logOnly, evidence(batchKey).getTlogProof(), "receipt-batch",
                evidence(batchKey).getSalt().toByteArray(), io.robotid.evidence.codec.Sha256.of(header));

        List<PolicyChange> changes = registry.as(Tokens.regulator()).listPolicyChanges(ListPolicyChangesRequest.newBuilder()
                .setPageSize(500).build()).getChangesList();
        assertThat(changes).isNotEmpty();
        for (PolicyChange change : changes) {
            var e = evidence("policy/" + change.getSeq());
            io.robotid.evidence.tlog.RecordProofs.verify(logOnly, e.getTlogProof(), "zone-policy", e.getSalt().toByteArray(),
                    io.robotid.evidence.codec.Hex.parse(change.getHash()));
        }
    }

    static io.robotid.proto.tlog.v1.GetRecordEvidenceResponse evidence(String key) throws InterruptedException {
        var request = io.robotid.proto.tlog.v1.GetRecordEvidenceRequest.newBuilder().setRecordKey(key).build();
        for (int i = 0; ; i++) {
            try {
                return registry.log(Tokens.regulator()).getRecordEvidence(request);
            } catch (io.grpc.StatusRuntimeException e) {
                if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND || i > 200) {
                    throw e;
                }
                Thread.sleep(25);
            }
        }
    }

    @Test
    @Order(1)
    void decisionsFollowTheZonesGrantsAndDesignSection6() {
        String asA = robot(robotA);
        CheckPermissionResponse free = check(asA, robotA, NOWHERE, "logistics");
        assertThat(free.getVerdict()).isEqualTo(Verdict.VERDICT_ALLOW_WITH_CONDITIONS); // the PUBLIC_SPACE certificate's 1.8 m/s
        assertThat(free.getSpeedLimitMPerS()).isEqualTo(1.8);
        assertThat(free.getMatchedZoneIdsList()).isEmpty();

        CheckPermissionResponse prohibitedAnswer = check(asA, robotA, IN_PROHIBITED, "logistics");
        assertThat(prohibitedAnswer.getVerdict()).isEqualTo(Verdict.VERDICT_DENY);
        assertThat(prohibitedAnswer.getReasonsList()).containsExactly(DenialReason.DENIAL_REASON_PROHIBITED_ZONE);
        assertThat(prohibitedAnswer.getMatchedZoneIdsList()).containsExactly(prohibited.getZoneId());

        assertThat(check(asA, robotA, IN_RESTRICTED, "logistics").getVerdict()).isEqualTo(Verdict.VERDICT_ALLOW_WITH_CONDITIONS);
        assertThat(check(asA, robotA, IN_RESTRICTED, "cleaning").getReasonsList()).containsExactly(DenialReason.DENIAL_REASON_NO_GRANT);
        assertThat(check(Tokens.regulator(), robotB, IN_RESTRICTED, "logistics").getReasonsList())
                .containsExactly(DenialReason.DENIAL_REASON_NO_GRANT); // the grant is to robot A's operator only

        CheckPermissionResponse square = check(asA, robotA, IN_PUBLIC, "delivery");
        assertThat(square.getVerdict()).isEqualTo(Verdict.VERDICT_ALLOW_WITH_CONDITIONS);
        assertThat(square.getSpeedLimitMPerS()).isEqualTo(1.2);
        // the hole of the square is not in the zone
        assertThat(check(asA, robotA, new double[] {51.215, 12.215}, "delivery").getMatchedZoneIdsList()).isEmpty();
        // a PHYSICAL_INTERACTION task needs that tier (DESIGN.md section 6)
        assertThat(check(asA, robotA, NOWHERE, "physical_interaction.assist").getReasonsList())
                .containsExactly(DenialReason.DENIAL_REASON_MISSING_CERTIFICATION);

        CheckPermissionResponse indoor = registry.as(asA).checkPermission(CheckPermissionRequest.newBuilder().setRobotId(robotA)
                .setIndoor(IndoorPlace.newBuilder().setVenue("expo").setFloor("1").setZoneCode("A")).setTaskCategory("delivery").build());
        assertThat(indoor.getReasonsList()).containsExactly(DenialReason.DENIAL_REASON_TASK_NOT_ALLOWED);
        assertThat(indoor.getMatchedZoneIdsList()).containsExactly(hall.getZoneId());

        assertThat(check(Tokens.regulator(), robotInStock, NOWHERE, "logistics").getReasonsList())
                .contains(DenialReason.DENIAL_REASON_NOT_IN_SERVICE);
        assertThat(check(Tokens.regulator(), neverRecorded, IN_PROHIBITED, "logistics").getReasonsList())
                .containsExactly(DenialReason.DENIAL_REASON_ROBOT_UNKNOWN, DenialReason.DENIAL_REASON_PROHIBITED_ZONE);
        assertThat(free.getCacheFor().getSeconds()).isBetween(1L, 60L);
        assertThat(free.getPolicyVersion()).isGreaterThanOrEqualTo(harbourGrant.getVersion());
    }

    @Test
    @Order(2)
    void everyAnswerCarriesAReceiptThatVerifiesAndAChangedReceiptDoesNot() throws Exception {
        Map<String, byte[]> keys = registry.signingKeys();
        CheckPermissionResponse answer = check(robot(robotA), robotA, IN_PROHIBITED, "logistics");
        Receipt r = answer.getReceipt();
        List<byte[]> path = r.getAuditPathList().stream().map(ByteString::toByteArray).toList();
        var verified = Receipts.verify(r.getPayload().toByteArray(), r.getLeafIndex(), r.getBatchSize(), path,
                r.getSignedBatch().toByteArray(), r.getSignature().toByteArray(), r.getKeyId(), keys);
        assertThat(verified.version()).isEqualTo(2);
        assertThat(verified.field("robot_id")).isEqualTo(robotA);
        assertThat(verified.field("verdict")).isEqualTo("DENY");
        assertThat(verified.field("reasons")).isEqualTo("PROHIBITED_ZONE");
        assertThat(verified.field("matched_zones")).isEqualTo(prohibited.getZoneId());
        assertThat(verified.field("policy_version")).isEqualTo(Long.toString(answer.getPolicyVersion()));
        assertThat(verified.field("inputs_sha256")).isEqualTo(r.getInputsSha256());
        assertThat(verified.field("speed_limit_m_per_s")).isEqualTo("1.8");
        // the receipt says what was asked: the place and the task exactly as the request gave them
        assertThat(verified.v2().place()).isEqualTo(io.robotid.evidence.format.Receipts.Place.position(
                IN_PROHIBITED[0], IN_PROHIBITED[1]));
        assertThat(verified.v2().taskCategory()).isEqualTo("logistics");
        assertThat(verified.v2().decidedFor()).isEqualTo(java.time.Instant.ofEpochSecond(answer.getDecidedAt().getSeconds(),
                answer.getDecidedAt().getNanos()));
        assertThat(verified.signedAt()).as("the signing instant is the batch header's").isNotNull();

        // the same receipt claiming ALLOW: its bytes differ, so it is not the leaf that was signed
        var v2 = verified.v2();
        byte[] forged = io.robotid.evidence.format.Receipts.encode(new io.robotid.evidence.format.Receipts.ReceiptV2(
                v2.robotId(), v2.place(), v2.taskCategory(), v2.decidedFor(), "ALLOW", java.util.List.of(),
                v2.speedLimitMPerS(), v2.matchedZoneIds(), v2.policyVersion(), v2.policyHash(), v2.projectionDigest(),
                v2.inputsDigest()));
        assertThatThrownBy(() -> Receipts.verify(forged, r.getLeafIndex(), r.getBatchSize(), path, r.getSignedBatch().toByteArray(),
                r.getSignature().toByteArray(), r.getKeyId(), keys)).isInstanceOf(Rejected.class)
                .hasMessageContaining("BAD_SIGNATURE");
        byte[] sig = r.getSignature().toByteArray();
        sig[5] ^= 1;
        assertThatThrownBy(() -> Receipts.verify(r.getPayload().toByteArray(), r.getLeafIndex(), r.getBatchSize(), path,
                r.getSignedBatch().toByteArray(), sig, r.getKeyId(), keys)).hasMessageContaining("BAD_SIGNATURE");
    }

    @Test
    @Order(3)
    void onlyTheRobotItsOperatorZoneAuthoritiesAndRegulatorsMayAsk() {
        assertThat(reason(refused(() -> check(robot(robotA), robotB, NOWHERE, "logistics"), Status.Code.PERMISSION_DENIED)))
                .isEqualTo("NOT_YOUR_ROBOT");
        assertThat(reason(refused(() -> check(operator(OTHER), robotA, NOWHERE, "logistics"), Status.Code.PERMISSION_DENIED)))
                .isEqualTo("NOT_YOUR_ROBOT");
        assertThat(reason(refused(() -> check(operator(HARBOUR), neverRecorded, NOWHERE, "logistics"),
                Status.Code.PERMISSION_DENIED))).isEqualTo("NOT_YOUR_ROBOT");
        assertThat(check(operator(HARBOUR), robotA, NOWHERE, "logistics").getRobotId()).isEqualTo(robotA);
        assertThat(check(authority("anyone"), robotB, NOWHERE, "logistics").getRobotId()).isEqualTo(robotB);
        for (String role : List.of("MANUFACTURER", "AUDITOR", "CERTIFICATION_BODY", "SERVICE_PROVIDER", "RECYCLER")) {
            refused(() -> check(Tokens.role(role), robotA, NOWHERE, "logistics"), Status.Code.PERMISSION_DENIED);
        }
        refused(() -> registry.anonymous().checkPermission(request(robotA, NOWHERE, "logistics").build()), Status.Code.UNAUTHENTICATED);
        refused(() -> check(Tokens.forged("REGULATOR"), robotA, NOWHERE, "logistics"), Status.Code.UNAUTHENTICATED);
        refused(() -> check(Tokens.wrongAudience("REGULATOR"), robotA, NOWHERE, "logistics"), Status.Code.UNAUTHENTICATED);
        refused(() -> registry.as(robot(robotA)).getPermissionBundle(GetPermissionBundleRequest.newBuilder().setRobotId(robotB)
                .setVenue("expo").build()), Status.Code.PERMISSION_DENIED);
        refused(() -> registry.as(robot(robotA)).watchPermissions(WatchPermissionsRequest.newBuilder().setRobotId(robotB).build())
                .next(), Status.Code.PERMISSION_DENIED);
    }

    @Test
    @Order(4)
    void badChecksAreRefusedNamingTheField() {
        String asA = robot(robotA);
        assertThat(invalid(() -> check(asA, robotA, new double[] {95, 12}, "logistics"), "position")).contains("latitude");
        assertThat(invalid(() -> check(asA, robotA, new double[] {51, Double.NaN}, "logistics"), "position")).contains("NaN");
        invalid(() -> check(asA, robotA, NOWHERE, ""), "task_category");
        invalid(() -> check(asA, robotA, NOWHERE, "two words"), "task_category");
        invalid(() -> registry.as(asA).checkPermission(CheckPermissionRequest.newBuilder().setRobotId(robotA).setTaskCategory("x")
                .build()), "place");
        invalid(() -> check(asA, "RB-NOT-AN-ID", NOWHERE, "logistics"), "robot_id");
        invalid(() -> registry.as(asA).checkPermission(CheckPermissionRequest.newBuilder().setRobotId(robotA)
                .setIndoor(IndoorPlace.newBuilder().setVenue("expo")).setTaskCategory("x").build()), "indoor.floor");
        invalid(() -> registry.as(asA).getPermissionBundle(GetPermissionBundleRequest.newBuilder().setRobotId(robotA)
                .setBox(BoundingBox.newBuilder().setMinLatitude(52).setMaxLatitude(51).setMaxLongitude(1)).build()), "box.max_latitude");
        invalid(() -> registry.as(asA).getPermissionBundle(GetPermissionBundleRequest.newBuilder().setRobotId(robotA).setVenue("expo")
                .setValidity(com.google.protobuf.Duration.newBuilder().setSeconds(3 * 86400)).build()), "validity");
    }

    /**
     * StreamChecks' roles are checked once, when the stream opens (it is bound under the kit's flow control): a caller
     * without a token, or with a role that may not ask, is refused before any check is taken, and gets no answer.
     */
    @Test
    @Order(5)
    void aStreamOfChecksFromTheWrongCallerIsRefusedWithoutAnAnswer() throws Exception {
        for (var caller : java.util.List.of(java.util.Map.entry("no token", Status.Code.UNAUTHENTICATED),
                java.util.Map.entry(Tokens.manufacturer("0001"), Status.Code.PERMISSION_DENIED),
                java.util.Map.entry(Tokens.certificationBody("CB-1"), Status.Code.PERMISSION_DENIED))) {
            StreamedChecks refused = streamChecks(caller.getKey().equals("no token") ? null : caller.getKey(),
                    java.util.Collections.nCopies(5, request(robotA, NOWHERE, "logistics").build()));
            assertThat(refused.ended().getCode()).as(caller.getValue().name()).isEqualTo(caller.getValue());
            assertThat(refused.answers()).isEmpty();
        }
    }

    @Test
    @Order(5)
    void streamedChecksAnswerInOrderWithErrorsInline() throws Exception {
        List<StreamChecksResponse> answers = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<StreamChecksRequest> requests = registry.async(robot(robotA)).streamChecks(new StreamObserver<>() {
            @Override
            public void onNext(StreamChecksResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        for (int i = 0; i < 50; i++) {
            double[] place = i % 2 == 0 ? IN_PROHIBITED : NOWHERE;
            CheckPermissionRequest.Builder check = i == 25 ? request(robotA, new double[] {99, 0}, "logistics")
                    : i == 30 ? request(robotB, NOWHERE, "logistics") : request(robotA, place, "logistics");
            requests.onNext(StreamChecksRequest.newBuilder().setCorrelationId("c" + i).setCheck(check).build());
        }
        requests.onCompleted();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(answers).extracting(StreamChecksResponse::getCorrelationId)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "c" + i).toList());
        assertThat(answers.get(25).getError().getCode()).isEqualTo("INVALID_ARGUMENT");
        assertThat(answers.get(25).getError().getFieldViolationsList()).extracting(FieldProblem::getField).contains("position");
        assertThat(answers.get(30).getError().getCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(answers.get(0).getResult().getVerdict()).isEqualTo(Verdict.VERDICT_DENY);
        assertThat(answers.get(1).getResult().getVerdict()).isEqualTo(Verdict.VERDICT_ALLOW_WITH_CONDITIONS);
        assertThat(answers.get(49).getResult().getReceipt().getSignature().size()).isEqualTo(64);
    }

    @Test
    @Order(6)
    void theOfflineBundleDecidesAsTheServiceOnThousandsOfChecksAndATamperedOneIsRefused() throws Exception {
        GetPermissionBundleResponse bundle = registry.as(robot(robotA)).getPermissionBundle(GetPermissionBundleRequest.newBuilder()
                .setRobotId(robotA).setBox(BoundingBox.newBuilder().setMinLatitude(50.95).setMinLongitude(11.95)
                        .setMaxLatitude(51.3).setMaxLongitude(12.3))
                .setValidity(com.google.protobuf.Duration.newBuilder().setSeconds(600)).build());
        assertThat(bundle.getZoneCount()).isEqualTo(3);
        Map<String, byte[]> keys = registry.signingKeys();
        OfflineBundle offline = OfflineBundle.openFresh(bundle.getBundle().toByteArray(), bundle.getKeyId(),
                bundle.getSignature().toByteArray(), keys, robotA, Instant.now());
        assertThat(offline.content().grants()).extracting(g -> g.id()).containsExactly(harbourGrant.getGrantId());

        Random random = new Random(11);
        String[] tasks = {"logistics", "cleaning", "delivery"};
        Instant at = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<CheckPermissionRequest> checks = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            // points concentrated around the three zones so that every kind of answer occurs
            double[] centre = List.of(IN_PROHIBITED, IN_RESTRICTED, IN_PUBLIC).get(i % 3);
            double lat = centre[0] + (random.nextDouble() - 0.5) * 0.015;
            double lon = centre[1] + (random.nextDouble() - 0.5) * 0.015;
            checks.add(request(robotA, new double[] {lat, lon}, tasks[random.nextInt(tasks.length)]).setAt(ts(at)).build());
        }
        List<CheckPermissionResponse> service = streamed(robot(robotA), checks);
        int denied = 0;
        for (int i = 0; i < checks.size(); i++) {
            CheckPermissionRequest c = checks.get(i);
            Decision local = offline.decide(c.getPosition().getLatitude(), c.getPosition().getLongitude(), c.getTaskCategory(), at);
            CheckPermissionResponse remote = service.get(i);
            assertThat(local.verdict().name()).as("check %d", i).isEqualTo(remote.getVerdict().name().replace("VERDICT_", ""));
            assertThat(local.reasons().stream().map(Enum::name).toList()).as("check %d", i)
                    .isEqualTo(remote.getReasonsList().stream().map(r -> r.name().replace("DENIAL_REASON_", "")).toList());
            assertThat(local.matchedZoneIds()).as("check %d", i).isEqualTo(remote.getMatchedZoneIdsList());
            assertThat(local.speedLimitMps().isPresent() ? local.speedLimitMps().getAsDouble() : null).as("check %d", i)
                    .isEqualTo(remote.hasSpeedLimitMPerS() ? remote.getSpeedLimitMPerS() : null);
            denied += local.allowed() ? 0 : 1;
        }
        assertThat(denied).isBetween(200, 1800);

        byte[] tampered = bundle.getBundle().toByteArray();
        String text = new String(tampered, java.nio.charset.StandardCharsets.UTF_8).replace("\"PROHIBITED\"", "\"CONDITIONAL\"");
        assertThatThrownBy(() -> OfflineBundle.open(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), bundle.getKeyId(),
                bundle.getSignature().toByteArray(), keys, robotA)).hasMessageContaining("BAD_SIGNATURE");
        assertThatThrownBy(() -> OfflineBundle.openFresh(bundle.getBundle().toByteArray(), bundle.getKeyId(),
                bundle.getSignature().toByteArray(), keys, robotA, Instant.now().plusSeconds(601))).hasMessageContaining("EXPIRED");
    }

    /** A stream's answers, and how it ended. */
    record StreamedChecks(List<StreamChecksResponse> answers, Status ended) {
    }

    /** Sends the checks on one StreamChecks stream (correlation ids 0, 1, ...), then half-closes; waits for its end. */
    static StreamedChecks streamChecks(String token, List<CheckPermissionRequest> checks) throws Exception {
        List<StreamChecksResponse> answers = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CompletableFuture<Status> ended = new java.util.concurrent.CompletableFuture<>();
        StreamObserver<StreamChecksRequest> requests = registry.async(token).streamChecks(new StreamObserver<>() {
            @Override
            public void onNext(StreamChecksResponse value) {
                answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                ended.complete(Status.OK);
            }
        });
        for (int i = 0; i < checks.size(); i++) {
            requests.onNext(StreamChecksRequest.newBuilder().setCorrelationId(Integer.toString(i)).setCheck(checks.get(i)).build());
        }
        requests.onCompleted();
        return new StreamedChecks(answers, ended.get(60, TimeUnit.SECONDS));
    }

    static List<CheckPermissionResponse> streamed(String token, List<CheckPermissionRequest> checks) throws Exception {
        StreamedChecks streamed = streamChecks(token, checks);
        assertThat(streamed.ended().getCode()).isEqualTo(Status.Code.OK);
        assertThat(streamed.answers()).hasSize(checks.size());
        return streamed.answers().stream().map(StreamChecksResponse::getResult).toList();
    }

    /** Opens a watch; its messages go to the queue. */
    static BlockingQueue<WatchPermissionsResponse> watch(String token, String robotId, List<Context.CancellableContext> open) {
        BlockingQueue<WatchPermissionsResponse> queue = new LinkedBlockingQueue<>();
        Context.CancellableContext context = Context.current().withCancellation();
        open.add(context);
        context.run(() -> registry.async(token).watchPermissions(WatchPermissionsRequest.newBuilder().setRobotId(robotId).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(WatchPermissionsResponse value) {
                        queue.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                    }
                }));
        return queue;
    }

    static WatchPermissionsResponse next(BlockingQueue<WatchPermissionsResponse> queue, PermissionChangeKind kind)
            throws InterruptedException {
        Instant until = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(until)) {
            WatchPermissionsResponse m = queue.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && m.getKind() == kind) {
                return m;
            }
        }
        throw new AssertionError("no " + kind + " on the watch stream");
    }

    /** Time until the check of robot A at the place answers as expected, polled every 10 ms. */
    static Duration timeUntil(double[] place, String task, java.util.function.Predicate<CheckPermissionResponse> expected) {
        Instant start = Instant.now();
        while (Duration.between(start, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0) {
            if (expected.test(check(Tokens.regulator(), robotA, place, task))) {
                return Duration.between(start, Instant.now());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("the answer did not change within 10 s");
    }

    @Test
    @Order(7)
    void aSuspensionInLifecycleServiceDeniesWithinASecondAndTheWatchSaysSo() throws Exception {
        List<Context.CancellableContext> open = new ArrayList<>();
        try {
            BlockingQueue<WatchPermissionsResponse> watch = watch(robot(robotA), robotA, open);
            WatchPermissionsResponse subscribed = next(watch, PermissionChangeKind.PERMISSION_CHANGE_KIND_SUBSCRIBED);
            assertThat(subscribed.getRobot().getStatus()).isEqualTo(io.robotid.proto.lifecycle.v1.RobotStatus.ROBOT_STATUS_IN_SERVICE);

            registry.record(Tokens.regulator(), robotA, EventPayload.newBuilder().setSuspended(Suspended.newBuilder()
                    .setReason("incident under investigation")).build());
            Duration suspendedAfter = timeUntil(NOWHERE, "logistics",
                    r -> r.getReasonsList().contains(DenialReason.DENIAL_REASON_SUSPENDED));
            assertThat(suspendedAfter).as("time from the recorded suspension to a denied check").isLessThan(Duration.ofSeconds(1));
            WatchPermissionsResponse told = next(watch, PermissionChangeKind.PERMISSION_CHANGE_KIND_ROBOT_CHANGED);
            assertThat(told.getRobot().getSuspended() || told.getRobot().getStatus()
                    == io.robotid.proto.lifecycle.v1.RobotStatus.ROBOT_STATUS_SUSPENDED).isTrue();

            registry.record(Tokens.regulator(), robotA, EventPayload.newBuilder().setReinstated(Reinstated.newBuilder()
                    .setReason("cleared")).build());
            assertThat(timeUntil(NOWHERE, "logistics", r -> r.getVerdict() != Verdict.VERDICT_DENY)).isLessThan(Duration.ofSeconds(1));
            next(watch, PermissionChangeKind.PERMISSION_CHANGE_KIND_ROBOT_CHANGED);
        } finally {
            open.forEach(c -> c.cancel(null));
        }
    }

    @Test
    @Order(8)
    void aRevokedGrantAndAnEditedZoneChangeTheAnswerWithinASecondAndTheWatchSaysSo() throws Exception {
        List<Context.CancellableContext> open = new ArrayList<>();
        try {
            BlockingQueue<WatchPermissionsResponse> watch = watch(operator(HARBOUR), robotA, open);
            next(watch, PermissionChangeKind.PERMISSION_CHANGE_KIND_SUBSCRIBED);
            Instant start = Instant.now();
            registry.as(CITY).revokePermission(RevokePermissionRequest.newBuilder().setRequestId(requestId())
                    .setGrantId(harbourGrant.getGrantId()).setReason("quay closed for works").build());
            assertThat(check(Tokens.regulator(), robotA, IN_RESTRICTED, "logistics").getReasonsList())
                    .containsExactly(DenialReason.DENIAL_REASON_NO_GRANT);
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(1));
            assertThat(next(watch, PermissionChangeKind.PERMISSION_CHANGE_KIND_GRANT_CHANGED).getGrantId())
                    .isEqualTo(harbourGrant.getGrantId());

            Zone square = registry.as(CITY).getZone(GetZoneRequest.newBuilder().setZoneId(publicSquare.getZoneId()).build()).getZone();
            registry.as(CITY).updateZone(UpdateZoneRequest.newBuilder().setRequestId(requestId()).setZoneId(square.getZoneId())
                    .setZone(square.getDefinition().toBuilder().setKind(ZoneKind.ZONE_KIND_PROHIBITED).clearConditions()).build());
            assertThat(check(Tokens.regulator(), robotA, IN_PUBLIC, "delivery").getReasonsList())
                    .contains(DenialReason.DENIAL_REASON_PROHIBITED_ZONE);
            assertThat(next(watch, PermissionChangeKind.PERMISSION_CHANGE_KIND_ZONE_CHANGED).getZoneId())
                    .isEqualTo(square.getZoneId());
        } finally {
            open.forEach(c -> c.cancel(null));
        }
    }

    @Test
    @Order(9)
    void denialsAreKeptInTheAuditLog() {
        check(robot(robotA), robotA, IN_PROHIBITED, "inspection");
        await("the denial written", () -> registry.as(Tokens.auditor()).listDenials(ListDenialsRequest.newBuilder()
                .setRobotId(robotA).build()).getDenialsList().stream().anyMatch(d -> d.getCheck().getTaskCategory().equals("inspection")));
        Denial denial = registry.as(Tokens.regulator()).listDenials(ListDenialsRequest.newBuilder().setRobotId(robotA).build())
                .getDenialsList().stream().filter(d -> d.getCheck().getTaskCategory().equals("inspection")).findFirst().orElseThrow();
        assertThat(denial.getReasonsList()).containsExactly(DenialReason.DENIAL_REASON_PROHIBITED_ZONE);
        assertThat(denial.getSubject()).isEqualTo("robot-" + robotA);
        assertThat(denial.getMatchedZoneIdsList()).containsExactly(prohibited.getZoneId());
        assertThat(registry.as(CITY).listDenials(ListDenialsRequest.newBuilder().setZoneId(prohibited.getZoneId()).build())
                .getDenialsList()).isNotEmpty();
        assertThat(registry.as(authority("elsewhere")).listDenials(ListDenialsRequest.newBuilder().setRobotId(robotA).build())
                .getDenialsList()).isEmpty();
        refused(() -> registry.as(operator(HARBOUR)).listDenials(ListDenialsRequest.newBuilder().build()), Status.Code.PERMISSION_DENIED);
    }

    @Test
    @Order(10)
    void aStopUseRecallDeniesEveryCheckUntilRemedied() {
        registry.lifecycle(maker.token()).createRecallCampaign(CreateRecallCampaignRequest.newBuilder().setRequestId(requestId())
                .setTitle("Firmware 3.1.0 can overheat").setDescription("Stop using until updated to 3.1.1.")
                .setSeverity(RecallSeverity.RECALL_SEVERITY_STOP_USE)
                .setCriteria(RecallCriteria.newBuilder().addModelCodes(maker.modelCode()).addFirmwareVersions("3.1.0")).build());
        assertThat(timeUntil(NOWHERE, "logistics", r -> r.getReasonsList().contains(DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN)))
                .isLessThan(Duration.ofSeconds(1));
        String campaign = registry.lifecycle(Tokens.regulator()).getRobotStatus(
                io.robotid.proto.lifecycle.v1.GetRobotStatusRequest.newBuilder().setRobotId(robotA).build())
                .getState().getOpenStopUseRecalls(0);
        // the robot's projection names the open recall (the watch's first message carries it)
        assertThat(subscribedProjection(robotA).getOpenStopUseRecallsList()).containsExactly(campaign);
        registry.record(maker.token(), robotA, EventPayload.newBuilder().setSoftwareUpdated(SoftwareUpdated.newBuilder()
                .setFirmwareVersion("3.1.1").setAiModelVersion("vla-1").setPackageSha256("c".repeat(64))).build());
        registry.record(Tokens.token("svc", "SERVICE_PROVIDER", "org_id", "svc-1"), robotA, EventPayload.newBuilder().setRecallRemedied(RecallRemedied.newBuilder()
                .setCampaignId(campaign).setRemedy("firmware 3.1.1")).build());
        timeUntil(NOWHERE, "logistics", r -> !r.getReasonsList().contains(DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN));
        assertThat(subscribedProjection(robotA).getOpenStopUseRecallsList()).isEmpty();
    }

    @Test
    @Order(11)
    void aWatcherThatDoesNotReadIsToldTheLatestChangeNotEveryOne() throws Exception {
        Zone field = create(outdoor("Test field", ZoneKind.ZONE_KIND_RESTRICTED, square(52.0, 13.0, 0.01)));
        // a robot's small receive window (16 KiB), so that its unread changes fill it within a few dozen messages
        io.grpc.ManagedChannel channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", GEOFENCE_PORT)
                .usePlaintext().flowControlWindow(16 * 1024).build();
        List<WatchPermissionsResponse> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<io.grpc.stub.ClientCallStreamObserver<WatchPermissionsRequest>> call =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            io.robotid.testkit.GrpcClients.withToken(GeofenceServiceGrpc.newStub(channel), Tokens.regulator()).watchPermissions(
                    WatchPermissionsRequest.newBuilder().setRobotId(robotA).build(),
                    new io.grpc.stub.ClientResponseObserver<WatchPermissionsRequest, WatchPermissionsResponse>() {
                        @Override
                        public void beforeStart(io.grpc.stub.ClientCallStreamObserver<WatchPermissionsRequest> stream) {
                            stream.disableAutoRequestWithInitial(1);
                            call.set(stream);
                        }

                        @Override
                        public void onNext(WatchPermissionsResponse value) {
                            received.add(value);
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onCompleted() {
                        }
                    });
            await("subscribed", () -> received.size() == 1);
            // the robot reads nothing while its zone changes 600 times
            int changes = 600;
            long latest = 0;
            for (int i = 0; i < changes; i++) {
                latest = registry.as(CITY).updateZone(UpdateZoneRequest.newBuilder().setRequestId(requestId())
                        .setZoneId(field.getZoneId()).setZone(field.getDefinition().toBuilder().setName("Test field " + i))
                        .build()).getZone().getVersion();
            }
            call.get().request(Integer.MAX_VALUE);
            long told = latest;
            await("the latest change told", () -> received.stream().anyMatch(m -> m.getPolicyVersion() == told));
            List<WatchPermissionsResponse> fieldChanges = received.stream()
                    .filter(m -> m.getKind() == PermissionChangeKind.PERMISSION_CHANGE_KIND_ZONE_CHANGED
                            && m.getZoneId().equals(field.getZoneId())).toList();
            System.out.printf("a watcher that read none of %d zone changes was told %d of them%n", changes, fieldChanges.size());
            // what filled the window and the server's ready threshold (about 48 KiB), then the latest: not all 600
            assertThat(fieldChanges.size()).as("changes told to a robot that read none of them").isBetween(1, changes / 2);
            assertThat(fieldChanges.get(fieldChanges.size() - 1).getPolicyVersion()).isEqualTo(latest);
        } finally {
            if (call.get() != null) {
                call.get().cancel("done", null);
            }
            channel.shutdownNow();
        }
    }

    /** The robot's projection in the SUBSCRIBED message of a watch that is then closed. */
    static RobotProjection subscribedProjection(String robotId) {
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            return context.call(() -> registry.as(Tokens.regulator()).watchPermissions(WatchPermissionsRequest.newBuilder()
                    .setRobotId(robotId).build()).next().getRobot());
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            context.cancel(null);
        }
    }
}
