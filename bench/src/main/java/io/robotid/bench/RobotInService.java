package io.robotid.bench;

import static io.robotid.bench.IssuanceBenchmark.bearer;
import static io.robotid.bench.IssuanceBenchmark.token;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.certification.v1.AccreditBodyRequest;
import io.robotid.proto.certification.v1.CertificationServiceGrpc;
import io.robotid.proto.certification.v1.Evidence;
import io.robotid.proto.certification.v1.Outcome;
import io.robotid.proto.certification.v1.SubmitTestResultRequest;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.certification.v1.Validity;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.Position;
import io.robotid.proto.geofence.v1.Verdict;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.Deployed;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.Produced;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.Sold;

/**
 * A robot geofence-service knows and lets in, made the way the registry makes one, through the real
 * services (no shortcut into geofence-service's tables): a manufacturer with an accepted model and a
 * production site (filing), one issued ID (identity), produced, sold and deployed by an operator so that it
 * is IN_SERVICE (lifecycle), a PASS on every tier from an accredited body (certification); geofence-service
 * learns it from the lifecycle and certification feeds. Same steps as geofence-service's test fixture.
 */
final class RobotInService {
    record Robot(String robotId, String manufacturerCode, String modelCode, String operatorOrg, List<String> tiers) {
    }

    private RobotInService() {
    }

    static Robot make(String issuer, ManagedChannel filing, ManagedChannel identity, ManagedChannel lifecycle,
            ManagedChannel certification, ManagedChannel geofence) throws Exception {
        long t0 = System.nanoTime();
        String regulator = token(issuer, "REGULATOR", null);
        IssuanceBenchmark.Filed filed = IssuanceBenchmark.file(filing, regulator, issuer);
        String maker = token(issuer, "MANUFACTURER", filed.manufacturerCode());
        List<String> ids = new ArrayList<>();
        IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(60, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(maker)))
                .issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(requestId()).setModelCode(filed.modelCode())
                        .setSiteCode(filed.siteCode()).setProductionYear(26).setCount(1).build())
                .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> ids.add(i.getRobotId())));
        String robotId = ids.get(0);

        String operatorOrg = "bench-operator-" + UUID.randomUUID().toString().substring(0, 8);
        String operator = token(issuer, "OPERATOR", "org_id", operatorOrg);
        record(lifecycle, maker, robotId, EventPayload.newBuilder().setProduced(Produced.newBuilder().setBuildDate("2026-01-20")
                .addComponents(Component.newBuilder().setPartNumber("MTR-100").setLot("L1").setSerial("S-" + UUID.randomUUID())
                        .setCategory(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR).setSafetyRelevant(true))
                .setFirmwareVersion("1.0").setFactoryTestPassed(true)).build());
        record(lifecycle, maker, robotId, EventPayload.newBuilder().setSold(Sold.newBuilder().setBuyerOrgId(operatorOrg)).build());
        record(lifecycle, operator, robotId, EventPayload.newBuilder().setDeployed(Deployed.newBuilder().setSite("Bench yard")
                .setScenario("delivery").setOperatorOrgId(operatorOrg)
                .setPublicContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("Desk")
                        .setEmail("desk@bench.example"))
                .setEmergencyContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_EMERGENCY).setName("Control")
                        .setPhone("+491701234567"))).build());

        String bodyId = "BENCH-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        AccreditBodyRequest.Builder accredit = AccreditBodyRequest.newBuilder().setRequestId(requestId()).setBodyId(bodyId)
                .setName("Bench Test House " + bodyId).setCountry("DE").addStandards("ISO 13482:2014");
        List<Tier> tiers = new ArrayList<>();
        for (Tier t : Tier.values()) {
            if (t != Tier.TIER_UNSPECIFIED && t != Tier.UNRECOGNIZED) {
                tiers.add(t);
            }
        }
        accredit.addAllTiers(tiers);
        CertificationServiceGrpc.newBlockingStub(certification).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator))).accreditBody(accredit.build());
        String body = token(issuer, "CERTIFICATION_BODY", "certification_body_id", bodyId);
        Instant tested = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        List<String> passed = new ArrayList<>();
        for (Tier t : tiers) {
            try {
                CertificationServiceGrpc.newBlockingStub(certification).withDeadlineAfter(30, TimeUnit.SECONDS)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(body)))
                        .submitTestResult(SubmitTestResultRequest.newBuilder().setRequestId(requestId()).setSubject(robotId)
                                .setTier(t).addStandards("ISO 13482:2014").setTestDate(ts(tested)).setOutcome(Outcome.OUTCOME_PASS)
                                .setEvidence(Evidence.newBuilder().setReportUri("https://reports.example/bench/" + UUID.randomUUID()
                                        + ".pdf").setReportSha256("ab".repeat(32)))
                                .setValidity(Validity.newBuilder().setValidUntil(ts(tested.plus(365, ChronoUnit.DAYS)))).build());
                passed.add(t.name().replace("TIER_", ""));
            } catch (RuntimeException e) {
                if (t == Tier.TIER_BASE_SAFETY) {
                    throw e;
                }
                System.out.printf("  (no %s certificate: %s)%n", t, e.getMessage());
            }
        }

        // geofence-service learns the robot from the feeds: a check where no zone is yet must come back ALLOW
        String robot = token(issuer, "ROBOT", "robot_id", robotId);
        var check = GeofenceServiceGrpc.newBlockingStub(geofence)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(robot)));
        CheckPermissionRequest probe = CheckPermissionRequest.newBuilder().setRobotId(robotId)
                .setPosition(Position.newBuilder().setLatitude(10.5).setLongitude(10.5)).setTaskCategory(GeofenceZones.TASK).build();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        CheckPermissionResponse answer = null;
        while (System.nanoTime() < until) {
            answer = check.withDeadlineAfter(10, TimeUnit.SECONDS).checkPermission(probe);
            if (answer.getVerdict() == Verdict.VERDICT_ALLOW || answer.getVerdict() == Verdict.VERDICT_ALLOW_WITH_CONDITIONS) {
                System.out.printf("robot %s: IN_SERVICE with operator %s, certified %s; geofence-service answers %s (after %.1f s)%n",
                        robotId, operatorOrg, passed, answer.getVerdict(), (System.nanoTime() - t0) / 1e9);
                return new Robot(robotId, filed.manufacturerCode(), filed.modelCode(), operatorOrg, passed);
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("geofence-service did not come to allow robot " + robotId + " within 90 s (feeds: is it"
                + " following lifecycle-service and certification-service?); last answer: " + answer);
    }

    private static void record(ManagedChannel lifecycle, String token, String robotId, EventPayload payload) {
        long now = System.currentTimeMillis() / 1000;
        LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(30, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
                .recordEvent(RecordEventRequest.newBuilder().setRequestId(requestId()).setRobotId(robotId)
                        .setOccurredAt(Timestamp.newBuilder().setSeconds(now - 1)).setPayload(payload).build());
    }

    private static String requestId() {
        return UUID.randomUUID().toString();
    }

    static Timestamp ts(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
