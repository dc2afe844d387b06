package io.robotid.system.life;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.robotid.geofence.engine.Decision;
import io.robotid.geofence.offline.OfflineBundle;
import io.robotid.geofence.offline.Receipts;
import io.robotid.evidence.verify.Rejected;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.robotid.proto.geofence.v1.BoundingBox;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CheckPermissionResponse;
import io.robotid.proto.geofence.v1.CreateZoneRequest;
import io.robotid.proto.geofence.v1.DenialReason;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.GetPermissionBundleRequest;
import io.robotid.proto.geofence.v1.GetPermissionBundleResponse;
import io.robotid.proto.geofence.v1.Grant;
import io.robotid.proto.geofence.v1.GrantPermissionRequest;
import io.robotid.proto.geofence.v1.ListSigningKeysRequest;
import io.robotid.proto.geofence.v1.PermissionChangeKind;
import io.robotid.proto.geofence.v1.Position;
import io.robotid.proto.geofence.v1.Receipt;
import io.robotid.proto.geofence.v1.RobotProjection;
import io.robotid.proto.geofence.v1.Verdict;
import io.robotid.proto.geofence.v1.WatchPermissionsRequest;
import io.robotid.proto.geofence.v1.WatchPermissionsResponse;
import io.robotid.proto.geofence.v1.Zone;
import io.robotid.proto.geofence.v1.ZoneConditions;
import io.robotid.proto.geofence.v1.ZoneDefinition;
import io.robotid.proto.geofence.v1.ZoneKind;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.system.support.Endpoints;

/**
 * The geofence part of a robot's life over geofence-service's public gRPC API (issue 8 steps 5, 6, 7, 8
 * and 10; DESIGN.md sections 4 and 6): a zone authority sets a PROHIBITED zone, a RESTRICTED zone with a
 * grant for the robot and a CONDITIONAL public-space zone, and the robot asks for itself (a ROBOT token
 * with its robot_id) whether it may do its task ({@value #TASK}) at a place in each, and at a place in no
 * zone. Every call carries the step's traceparent (through {@link RobotLife#endpoints()}).
 *
 * <p>The zones of one story lie in a cell of 0.005 x 0.005 degrees near Berlin picked at random, so that
 * the zones of earlier runs against the same registry (the demo's local run) never meet this robot; each
 * check also names exactly the zone it expects to match.
 *
 * <p>geofence-service learns of a robot's status, recalls and certificates from the lifecycle and
 * certification feeds, so after each change the checks are polled (every 10 ms for the suspension, whose
 * time is measured; up to {@link #FEED_WAIT} otherwise) until the answer changes, and then every place is
 * checked exactly.
 */
public final class GeofenceSteps implements Geofence {
    /** The robot's task everywhere (its deployment's scenario). */
    public static final String TASK = "wayfinding";
    /** DESIGN.md section 4: a suspension denies within a second. */
    public static final Duration WITHIN = Duration.ofSeconds(1);
    /** How long to wait for a feed-driven change that has no time bound of its own. */
    static final Duration FEED_WAIT = Duration.ofSeconds(10);
    static final double CELL = 0.005;
    static final double SIDE = 0.001;
    static final double PUBLIC_SPEED = 1.2;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A named place (WGS84), the zone it is in (null: none) and that zone's speed limit (null: none; an
     * answer names it whatever the verdict).
     */
    public record Place(String words, double lat, double lon, Zone zone, Double speed) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.5f, %.5f", lat, lon);
        }
    }

    private final double lat0;
    private final double lon0;
    private String authority;
    public Zone prohibited;
    public Zone restricted;
    public Zone publicSquare;
    public Grant grant;
    public Place inProhibited;
    public Place inRestricted;
    public Place inPublic;
    public Place nowhere;
    private Map<String, byte[]> keys;
    private Watch watch;
    /** Step 6: from the regulator's RecordEvent(SUSPENDED) call to the first check answered DENY (SUSPENDED). */
    public Duration suspensionToDeny;
    /** Step 6: from the same call to the watch stream's ROBOT_CHANGED (suspended). */
    public Duration suspensionToWatch;
    /** Step 10: the bundle given for the recycled robot, opened and verified. */
    public OfflineBundle retiredBundle;

    public GeofenceSteps() {
        // a cell of a 200 x 200 grid over 52..53 N, 13..14 E
        lat0 = 52.0 + RANDOM.nextInt(200) * CELL;
        lon0 = 13.0 + RANDOM.nextInt(200) * CELL;
    }

    // ------------------------------------------------------------------------------------------ step 5

    @Override
    public void step5Zones(RobotLife life) {
        authority = "org-city-hall-" + life.tag.toLowerCase(Locale.ROOT);
        String asAuthority = life.token("ZONE_AUTHORITY", "org_id", authority);
        prohibited = createZone(life, asAuthority, ZoneDefinition.newBuilder().setName("Substation " + life.tag + " (no robots)")
                .setKind(ZoneKind.ZONE_KIND_PROHIBITED).setGeojson(square(0.002, 0.0005)).setPrecedence(10));
        restricted = createZone(life, asAuthority, ZoneDefinition.newBuilder().setName("Platform 3 service area " + life.tag)
                .setKind(ZoneKind.ZONE_KIND_RESTRICTED).setGeojson(square(0.002, 0.002)).setPrecedence(5));
        publicSquare = createZone(life, asAuthority, ZoneDefinition.newBuilder().setName("Station forecourt " + life.tag)
                .setKind(ZoneKind.ZONE_KIND_CONDITIONAL).setGeojson(square(0.002, 0.0035)).setPublicSpace(true)
                .setConditions(ZoneConditions.newBuilder().setMaxSpeedMPerS(PUBLIC_SPEED)));
        for (Zone z : List.of(prohibited, restricted, publicSquare)) {
            life.expect(z.getAuthority().equals(authority) && !z.getZoneId().isEmpty() && z.getVersion() > 0,
                    "zone \"" + z.getDefinition().getName() + "\" owned by " + authority + " with an id and a policy version,"
                            + " got authority " + z.getAuthority() + " version " + z.getVersion());
        }
        life.say("zone authority %s set three zones near the station (policy versions %d-%d): PROHIBITED \"%s\" (%s);"
                + " RESTRICTED \"%s\" (%s); CONDITIONAL public space \"%s\" (%s, at most %.1f m/s)", authority,
                prohibited.getVersion(), publicSquare.getVersion(), prohibited.getDefinition().getName(), prohibited.getZoneId(),
                restricted.getDefinition().getName(), restricted.getZoneId(), publicSquare.getDefinition().getName(),
                publicSquare.getZoneId(), PUBLIC_SPEED);
        grant = geofence(life, asAuthority).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(RobotLife.uuid())
                .setZoneId(restricted.getZoneId()).setRobotId(life.robot.getRobotId()).addTaskCategories(TASK).build()).getGrant();
        life.expect(grant.getRobotId().equals(life.robot.getRobotId()) && grant.getTaskCategoriesList().equals(List.of(TASK))
                && !grant.getRevoked(), "a grant into the restricted zone for " + life.robot.getRobotId() + " and " + TASK);
        life.say("%s granted %s entry to \"%s\" for %s (grant %s)", authority, life.robot.getRobotId(),
                restricted.getDefinition().getName(), TASK, grant.getGrantId());

        inProhibited = new Place("in the prohibited zone", lat0 + 0.0025, lon0 + 0.001, prohibited, null);
        inRestricted = new Place("in the restricted zone", lat0 + 0.0025, lon0 + 0.0025, restricted, null);
        inPublic = new Place("in the public space", lat0 + 0.0025, lon0 + 0.004, publicSquare, PUBLIC_SPEED);
        nowhere = new Place("in no zone", lat0 + 0.0005, lon0 + 0.0025, null, null);

        // geofence-service knows the robot from the lifecycle, certification and filing feeds: wait until it does
        RobotProjection known = life.eventually("geofence-service's projection of " + life.robot.getRobotId()
                + ": IN_SERVICE, operated by " + life.owner + ", level L1, BASE_SAFETY, MOBILITY and PUBLIC_SPACE in force",
                () -> projection(life), p -> p.getKnown() && p.getStatus() == RobotStatus.ROBOT_STATUS_IN_SERVICE
                        && p.getOperatorOrgId().equals(life.owner)
                        && p.getIntelligenceLevel() == IntelligenceLevel.INTELLIGENCE_LEVEL_L1
                        && p.getCertifiedTiersList().containsAll(List.of(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY,
                                Tier.TIER_PUBLIC_SPACE)));
        life.say("geofence-service knows the robot from the registry's feeds: %s, operator %s, level %s, certified %s",
                RobotLife.shortName(known.getStatus()), known.getOperatorOrgId(), level(known), tiers(known));

        Map<Place, CheckPermissionResponse> answers = expectUsual(life, "after deployment");
        CheckPermissionResponse otherTask = check(life, inRestricted, "delivery");
        expectAnswer(life, otherTask, inRestricted, Verdict.VERDICT_DENY, List.of(DenialReason.DENIAL_REASON_NO_GRANT));
        life.say("asked for delivery in the restricted zone instead: %s (the grant covers %s only)", words(otherTask), TASK);

        // the receipts: signed with geofence-service's keys (ListSigningKeys, no token)
        keys = signingKeys(life);
        CheckPermissionResponse denied = answers.get(inProhibited);
        io.robotid.evidence.format.Receipts.Verified verified = verify(life, denied);
        life.expect("DENY".equals(verified.field("verdict")) && "PROHIBITED_ZONE".equals(verified.field("reasons"))
                && life.robot.getRobotId().equals(verified.field("robot_id"))
                && prohibited.getZoneId().equals(verified.field("matched_zones"))
                && Long.toString(denied.getPolicyVersion()).equals(verified.field("policy_version"))
                && denied.getReceipt().getInputsSha256().equals(verified.field("inputs_sha256"))
                && verified.v2() != null && verified.v2().place().latitude() == inProhibited.lat()
                && verified.v2().place().longitude() == inProhibited.lon() && TASK.equals(verified.v2().taskCategory()),
                "the receipt of the prohibited-zone check to say DENY, PROHIBITED_ZONE, the robot, the place and task asked,"
                        + " the zone and the policy version, got " + verified.fields());
        io.robotid.evidence.format.Receipts.Verified allowed = verify(life, answers.get(inRestricted));
        life.expect("ALLOW".equals(allowed.field("verdict")), "the restricted-zone receipt to say ALLOW, got " + allowed.fields());
        Receipt r = denied.getReceipt();
        var stated = verified.v2();
        byte[] forged = io.robotid.evidence.format.Receipts.encode(new io.robotid.evidence.format.Receipts.ReceiptV2(
                stated.robotId(), stated.place(), stated.taskCategory(), stated.decidedFor(), "ALLOW", List.of(),
                stated.speedLimitMPerS(), stated.matchedZoneIds(), stated.policyVersion(), stated.policyHash(),
                stated.projectionDigest(), stated.inputsDigest()));
        boolean forgeryRejected;
        try {
            Receipts.verify(forged, r.getLeafIndex(), r.getBatchSize(), path(r), r.getSignedBatch().toByteArray(),
                    r.getSignature().toByteArray(), r.getKeyId(), keys);
            forgeryRejected = false;
        } catch (Rejected e) {
            forgeryRejected = e.getMessage().contains("BAD_SIGNATURE");
        }
        life.expect(forgeryRejected, "a receipt changed from DENY to ALLOW to fail verification (BAD_SIGNATURE)");
        life.say("the receipts verify with geofence-service's public key %s (ListSigningKeys): the prohibited-zone one says"
                + " robot %s asked at (%s, %s) for %s at %s: verdict=DENY reasons=PROHIBITED_ZONE policy_version=%s"
                + " policy_sha256=%s..., signed at %s in a batch of %d; the same receipt changed to verdict=ALLOW does not"
                + " verify", r.getKeyId(), verified.field("robot_id"), verified.field("latitude"), verified.field("longitude"),
                verified.field("task_category"), verified.field("decided_at"), verified.field("policy_version"),
                verified.field("policy_sha256").substring(0, 16), verified.signedAt(), r.getBatchSize());
    }

    // ------------------------------------------------------------------------------------------ step 6

    @Override
    public void step6BeforeSuspended(RobotLife life) {
        watch = new Watch(life);
        WatchPermissionsResponse subscribed = watch.next(life, PermissionChangeKind.PERMISSION_CHANGE_KIND_SUBSCRIBED,
                m -> true, Instant.now().plus(FEED_WAIT));
        life.expect(subscribed.getRobot().getStatus() == RobotStatus.ROBOT_STATUS_IN_SERVICE && !subscribed.getRobot().getSuspended(),
                "the watch stream's SUBSCRIBED to show the robot IN_SERVICE, got " + subscribed.getRobot());
        life.say("the robot opened its permission watch (WatchPermissions): SUBSCRIBED, %s",
                RobotLife.shortName(subscribed.getRobot().getStatus()));
    }

    @Override
    public void step6WhileSuspended(RobotLife life) {
        Instant suspended = life.lastRecordCalledAt;
        CheckPermissionResponse first = null;
        Instant until = suspended.plusSeconds(5);
        while (first == null) {
            CheckPermissionResponse r = check(life, inRestricted, TASK);
            Instant now = Instant.now();
            if (r.getReasonsList().contains(DenialReason.DENIAL_REASON_SUSPENDED)) {
                first = r;
                suspensionToDeny = Duration.between(suspended, now);
            } else if (now.isAfter(until)) {
                throw new AssertionError("step 6: expected DENY (SUSPENDED) within " + WITHIN.toMillis() + " ms of the"
                        + " suspension; after 5 s the check still says " + words(r));
            } else {
                sleep(10);
            }
        }
        life.expect(suspensionToDeny.compareTo(WITHIN) < 0, "DENY (SUSPENDED) within " + WITHIN.toMillis()
                + " ms of the suspension, took " + suspensionToDeny.toMillis() + " ms");
        life.say("%d ms after the regulator's RecordEvent(SUSPENDED) call the robot's check is already %s",
                suspensionToDeny.toMillis(), words(first));
        checkAll(life, "while suspended", Map.of(
                inProhibited, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_SUSPENDED,
                        DenialReason.DENIAL_REASON_PROHIBITED_ZONE),
                inRestricted, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_SUSPENDED),
                inPublic, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_SUSPENDED),
                nowhere, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_SUSPENDED)));
        Arrived told = watch.arrived(life, PermissionChangeKind.PERMISSION_CHANGE_KIND_ROBOT_CHANGED,
                m -> m.getRobot().getSuspended() || m.getRobot().getStatus() == RobotStatus.ROBOT_STATUS_SUSPENDED,
                suspended.plusSeconds(5));
        suspensionToWatch = Duration.between(suspended, told.at());
        life.expect(suspensionToWatch.compareTo(WITHIN) < 0, "the watch stream to tell the suspension within "
                + WITHIN.toMillis() + " ms, took " + suspensionToWatch.toMillis() + " ms");
        life.say("the watch stream said so %d ms after the call: ROBOT_CHANGED (\"%s\"), status %s",
                suspensionToWatch.toMillis(), told.message().getDetail(), RobotLife.shortName(told.message().getRobot().getStatus()));
    }

    @Override
    public void step6AfterReinstated(RobotLife life) {
        try {
            Instant reinstated = life.lastRecordCalledAt;
            Duration took = until(life, "the checks allowed again after REINSTATED", inRestricted, reinstated,
                    r -> r.getVerdict() != Verdict.VERDICT_DENY);
            life.say("%d ms after the REINSTATED call the checks are allowed again", took.toMillis());
            expectUsual(life, "after the reinstatement");
            Arrived told = watch.arrived(life, PermissionChangeKind.PERMISSION_CHANGE_KIND_ROBOT_CHANGED,
                    m -> !m.getRobot().getSuspended() && m.getRobot().getStatus() == RobotStatus.ROBOT_STATUS_IN_SERVICE,
                    reinstated.plus(FEED_WAIT));
            life.say("the watch stream said so too: ROBOT_CHANGED (\"%s\"), status %s", told.message().getDetail(),
                    RobotLife.shortName(told.message().getRobot().getStatus()));
        } finally {
            watch.close();
            watch = null;
        }
    }

    // ------------------------------------------------------------------------------------------ step 7

    @Override
    public void step7WhileRevalidationPending(RobotLife life) {
        until(life, "geofence-service to deny for the missing BASE_SAFETY (from certification-service's feed)", inRestricted,
                Instant.now(), r -> r.getReasonsList().contains(DenialReason.DENIAL_REASON_MISSING_CERTIFICATION));
        RobotProjection p = projection(life);
        life.expect(p.getRevalidationPendingList().contains(Tier.TIER_BASE_SAFETY)
                && !p.getCertifiedTiersList().contains(Tier.TIER_BASE_SAFETY),
                "geofence-service's projection: BASE_SAFETY waiting for re-validation and not in force, got certified "
                        + p.getCertifiedTiersList() + ", pending " + p.getRevalidationPendingList());
        life.say("geofence-service: BASE_SAFETY waits for re-validation (in force now: %s)", tiers(p));
        Map<Place, CheckPermissionResponse> answers = checkAll(life, "while BASE_SAFETY waits for re-validation", Map.of(
                inProhibited, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_PROHIBITED_ZONE,
                        DenialReason.DENIAL_REASON_MISSING_CERTIFICATION),
                inRestricted, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_MISSING_CERTIFICATION),
                inPublic, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_MISSING_CERTIFICATION),
                nowhere, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_MISSING_CERTIFICATION)));
        CheckPermissionResponse r = answers.get(inRestricted);
        life.expect(r.getDetailsList().stream().anyMatch(d -> d.contains("BASE_SAFETY")),
                "the denial to name BASE_SAFETY, got " + r.getDetailsList());
        life.say("why (from the answer): %s", r.getDetailsList().get(0));
    }

    @Override
    public void step7AfterRevalidated(RobotLife life) {
        Duration took = until(life, "the checks allowed again after the new BASE_SAFETY pass", inRestricted, Instant.now(),
                r -> r.getVerdict() != Verdict.VERDICT_DENY);
        life.say("geofence-service allows again: it learnt of the new pass from certification-service's feed (%d ms of"
                + " asking)", took.toMillis());
        until(life, "the public space allowed again", inPublic, Instant.now(), r -> r.getVerdict() != Verdict.VERDICT_DENY);
        expectUsual(life, "after the re-validation");
    }

    // ------------------------------------------------------------------------------------------ step 8

    @Override
    public void step8WhileStopUseRecallOpen(RobotLife life) {
        until(life, "geofence-service to deny for the open STOP_USE recall (from lifecycle-service's feed)", inRestricted,
                Instant.now(), r -> r.getReasonsList().contains(DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN));
        RobotProjection p = projection(life);
        life.expect(p.getOpenStopUseRecallsList().contains(life.recallCampaignId),
                "geofence-service's projection to hold the open recall " + life.recallCampaignId + ", got "
                        + p.getOpenStopUseRecallsList());
        checkAll(life, "while the STOP_USE recall is open", Map.of(
                inProhibited, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN,
                        DenialReason.DENIAL_REASON_PROHIBITED_ZONE),
                inRestricted, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN),
                inPublic, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN),
                nowhere, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_STOP_USE_RECALL_OPEN)));
    }

    @Override
    public void step8AfterRemedied(RobotLife life) {
        Duration took = until(life, "the checks allowed again after RECALL_REMEDIED", inRestricted, life.lastRecordCalledAt,
                r -> r.getVerdict() != Verdict.VERDICT_DENY);
        life.say("geofence-service allows again %d ms after the RECALL_REMEDIED call", took.toMillis());
        // the re-tests of the firmware update come through certification-service's feed, which may arrive after
        // lifecycle-service's: the public space also needs MOBILITY and PUBLIC_SPACE back
        until(life, "the public space allowed again (the re-tested tiers from certification-service's feed)", inPublic,
                Instant.now(), r -> r.getVerdict() != Verdict.VERDICT_DENY);
        expectUsual(life, "after the remedy");
    }

    // ------------------------------------------------------------------------------------------ step 10

    @Override
    public void step10AfterRecycled(RobotLife life) {
        until(life, "geofence-service to deny a robot that is not in service (from lifecycle-service's feed)", inRestricted,
                Instant.now(), r -> r.getReasonsList().contains(DenialReason.DENIAL_REASON_NOT_IN_SERVICE));
        // the denial starts with DECOMMISSIONED; SCRAPPED and RECYCLED follow through the same feed a moment later
        life.eventually("geofence-service's projection RECYCLED", () -> projection(life),
                p -> p.getStatus() == RobotStatus.ROBOT_STATUS_RECYCLED);
        checkAll(life, "after recycling", Map.of(
                inProhibited, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_NOT_IN_SERVICE,
                        DenialReason.DENIAL_REASON_PROHIBITED_ZONE),
                inRestricted, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_NOT_IN_SERVICE),
                inPublic, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_NOT_IN_SERVICE),
                nowhere, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_NOT_IN_SERVICE)));

        // geofence-service still gives a bundle (it is signed data, not a permission), but what it carries denies:
        // the robot's projection in it says RECYCLED, so deciding offline with it is DENY (NOT_IN_SERVICE) too
        GetPermissionBundleResponse bundle = geofence(life, robotToken(life)).getPermissionBundle(GetPermissionBundleRequest
                .newBuilder().setRobotId(life.robot.getRobotId()).setBox(BoundingBox.newBuilder().setMinLatitude(lat0)
                        .setMinLongitude(lon0).setMaxLatitude(lat0 + CELL).setMaxLongitude(lon0 + CELL))
                .setValidity(com.google.protobuf.Duration.newBuilder().setSeconds(600)).build());
        try {
            retiredBundle = OfflineBundle.openFresh(bundle.getBundle().toByteArray(), bundle.getKeyId(),
                    bundle.getSignature().toByteArray(), keys, life.robot.getRobotId(), Instant.now());
        } catch (Rejected e) {
            throw new AssertionError("step 10: expected the bundle to verify with ListSigningKeys' keys: " + e.getMessage(), e);
        }
        life.expect(bundle.getZoneCount() == 3 && retiredBundle.content().robot().status()
                == io.robotid.geofence.engine.RobotStatus.RECYCLED,
                "a bundle of the 3 zones whose robot projection says RECYCLED, got " + bundle.getZoneCount() + " zones and "
                        + retiredBundle.content().robot().status());
        List<String> offline = new ArrayList<>();
        for (Place place : List.of(inProhibited, inRestricted, inPublic, nowhere)) {
            Decision d = retiredBundle.decide(place.lat(), place.lon(), TASK, Instant.now());
            life.expect(!d.allowed() && d.reasons().contains(io.robotid.geofence.engine.Reason.NOT_IN_SERVICE),
                    "offline with the bundle, " + place.words() + ": DENY (NOT_IN_SERVICE), got " + d.verdict() + " " + d.reasons());
            offline.add(place.words() + ": " + d.verdict() + " (" + d.reasons().stream()
                    .map(reason -> reason.name().toLowerCase(Locale.ROOT).replace('_', ' ')).collect(Collectors.joining(", "))
                    + ")");
        }
        life.say("a permission bundle is still given (signed, key %s, %d zones, policy version %d), but its robot projection"
                + " says %s: deciding offline with it is DENY everywhere (%s)", bundle.getKeyId(), bundle.getZoneCount(),
                bundle.getPolicyVersion(), retiredBundle.content().robot().status(), String.join("; ", offline));
    }

    // ------------------------------------------------------------------------------------------ checks

    private record Expected(Verdict verdict, List<DenialReason> reasons) {
    }

    private static Expected expected(Verdict verdict, DenialReason... reasons) {
        return new Expected(verdict, List.of(reasons));
    }

    /** What DESIGN.md section 6 says for an in-service robot with BASE_SAFETY, MOBILITY and PUBLIC_SPACE, at level L1. */
    private Map<Place, Expected> usual() {
        return Map.of(inProhibited, expected(Verdict.VERDICT_DENY, DenialReason.DENIAL_REASON_PROHIBITED_ZONE),
                inRestricted, expected(Verdict.VERDICT_ALLOW),
                inPublic, expected(Verdict.VERDICT_ALLOW_WITH_CONDITIONS),
                nowhere, expected(Verdict.VERDICT_ALLOW));
    }

    private Map<Place, CheckPermissionResponse> expectUsual(RobotLife life, String when) {
        return checkAll(life, when, usual());
    }

    /** Checks every place as the robot, expects each answer exactly, and says what each was. */
    private Map<Place, CheckPermissionResponse> checkAll(RobotLife life, String when, Map<Place, Expected> expected) {
        Map<Place, CheckPermissionResponse> answers = new HashMap<>();
        List<String> said = new ArrayList<>();
        for (Place place : List.of(inProhibited, inRestricted, inPublic, nowhere)) {
            Expected e = expected.get(place);
            CheckPermissionResponse r = check(life, place, TASK);
            expectAnswer(life, r, place, e.verdict(), e.reasons());
            answers.put(place, r);
            said.add(place.words() + (place.zone() == null ? "" : " \"" + place.zone().getDefinition().getName() + "\"")
                    + " (" + place + "): " + words(r));
        }
        life.say("%s the robot asks (CheckPermission with its own token) whether it may do %s:", when, TASK);
        said.forEach(life::sayMore);
        return answers;
    }

    private static void expectAnswer(RobotLife life, CheckPermissionResponse r, Place place, Verdict verdict,
            List<DenialReason> reasons) {
        Double speed = place.speed();
        List<String> zones = place.zone() == null ? List.of() : List.of(place.zone().getZoneId());
        life.expect(r.getVerdict() == verdict && r.getReasonsList().equals(reasons) && r.getMatchedZoneIdsList().equals(zones)
                && (speed == null ? !r.hasSpeedLimitMPerS() : r.hasSpeedLimitMPerS() && r.getSpeedLimitMPerS() == speed)
                && r.getRobotId().equals(life.robot.getRobotId()) && r.getReceipt().getSignature().size() == 64,
                "the check " + place.words() + " (" + place + ") " + verdict + " " + reasons + (speed == null ? "" : " at most "
                        + speed + " m/s") + " matching zones " + zones + ", with a signed receipt; got " + r.getVerdict() + " "
                        + r.getReasonsList() + (r.hasSpeedLimitMPerS() ? " at most " + r.getSpeedLimitMPerS() + " m/s" : "")
                        + " matching " + r.getMatchedZoneIdsList() + " " + r.getDetailsList());
    }

    CheckPermissionResponse check(RobotLife life, Place place, String task) {
        return geofence(life, robotToken(life)).checkPermission(CheckPermissionRequest.newBuilder()
                .setRobotId(life.robot.getRobotId())
                .setPosition(Position.newBuilder().setLatitude(place.lat()).setLongitude(place.lon()))
                .setTaskCategory(task).build());
    }

    /**
     * Polls the check at {@code place} every 20 ms until {@code done}, at most FEED_WAIT after {@code since};
     * answers the time from {@code since} to the answer that was done.
     */
    private Duration until(RobotLife life, String what, Place place, Instant since, Predicate<CheckPermissionResponse> done) {
        Instant deadline = since.plus(FEED_WAIT);
        CheckPermissionResponse last = check(life, place, TASK);
        while (!done.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("expected within " + FEED_WAIT.toSeconds() + " s: " + what + "; last answer "
                        + place.words() + ": " + words(last) + " " + last.getDetailsList());
            }
            sleep(20);
            last = check(life, place, TASK);
        }
        return Duration.between(since, Instant.now());
    }

    /** The robot as geofence-service projects it: the SUBSCRIBED message of a watch, which is then closed. */
    RobotProjection projection(RobotLife life) {
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            return context.call(() -> geofence(life, robotToken(life)).watchPermissions(WatchPermissionsRequest.newBuilder()
                    .setRobotId(life.robot.getRobotId()).build()).next().getRobot());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            context.cancel(null);
        }
    }

    private static Zone createZone(RobotLife life, String token, ZoneDefinition.Builder zone) {
        return geofence(life, token).createZone(CreateZoneRequest.newBuilder().setRequestId(RobotLife.uuid()).setZone(zone)
                .build()).getZone();
    }

    private static String robotToken(RobotLife life) {
        return life.token("ROBOT", "robot_id", life.robot.getRobotId());
    }

    static GeofenceServiceGrpc.GeofenceServiceBlockingStub geofence(RobotLife life, String token) {
        return Endpoints.as(GeofenceServiceGrpc.newBlockingStub(life.endpoints().channel("geofence-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static Map<String, byte[]> signingKeys(RobotLife life) {
        Map<String, byte[]> keys = new HashMap<>();
        GeofenceServiceGrpc.newBlockingStub(life.endpoints().channel("geofence-service")).withDeadlineAfter(30, TimeUnit.SECONDS)
                .listSigningKeys(ListSigningKeysRequest.getDefaultInstance()).getKeysList()
                .forEach(k -> keys.put(k.getKeyId(), k.getPublicKey().toByteArray()));
        life.expect(!keys.isEmpty(), "at least one signing key from ListSigningKeys");
        return keys;
    }

    private io.robotid.evidence.format.Receipts.Verified verify(RobotLife life, CheckPermissionResponse answer) {
        Receipt r = answer.getReceipt();
        try {
            return Receipts.verify(r.getPayload().toByteArray(), r.getLeafIndex(), r.getBatchSize(), path(r),
                    r.getSignedBatch().toByteArray(), r.getSignature().toByteArray(), r.getKeyId(), keys);
        } catch (Rejected e) {
            throw new AssertionError("step 5: expected the receipt to verify with the keys of ListSigningKeys: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> path(Receipt r) {
        return r.getAuditPathList().stream().map(com.google.protobuf.ByteString::toByteArray).toList();
    }

    /** A square of SIDE degrees at (lat0 + dLat, lon0 + dLon), as a GeoJSON Polygon ([lon, lat]). */
    private String square(double dLat, double dLon) {
        double s = lat0 + dLat;
        double w = lon0 + dLon;
        double n = s + SIDE;
        double e = w + SIDE;
        return String.format(Locale.ROOT, "{\"type\":\"Polygon\",\"coordinates\":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],"
                + "[%.6f,%.6f],[%.6f,%.6f]]]}", w, s, e, s, e, n, w, n, w, s);
    }

    // ------------------------------------------------------------------------------------------ words

    /** A decision in plain words: "DENY: prohibited zone", "ALLOW WITH CONDITIONS: at most 1.2 m/s". */
    static String words(CheckPermissionResponse r) {
        return switch (r.getVerdict()) {
            case VERDICT_ALLOW -> "ALLOW";
            case VERDICT_ALLOW_WITH_CONDITIONS -> String.format(Locale.ROOT, "ALLOW WITH CONDITIONS: at most %.1f m/s",
                    r.getSpeedLimitMPerS());
            case VERDICT_DENY -> "DENY: " + r.getReasonsList().stream().map(GeofenceSteps::words).collect(Collectors.joining(", "));
            default -> r.getVerdict().name();
        };
    }

    static String words(DenialReason reason) {
        return switch (reason) {
            case DENIAL_REASON_ROBOT_UNKNOWN -> "robot unknown";
            case DENIAL_REASON_NOT_IN_SERVICE -> "not in service";
            case DENIAL_REASON_SUSPENDED -> "suspended";
            case DENIAL_REASON_STOP_USE_RECALL_OPEN -> "stop-use recall open";
            case DENIAL_REASON_PROHIBITED_ZONE -> "prohibited zone";
            case DENIAL_REASON_NO_GRANT -> "no grant";
            case DENIAL_REASON_MISSING_CERTIFICATION -> "missing certification";
            case DENIAL_REASON_TASK_NOT_ALLOWED -> "task not allowed";
            case DENIAL_REASON_OUTSIDE_TIME_WINDOW -> "outside the time window";
            case DENIAL_REASON_INTELLIGENCE_LEVEL_TOO_HIGH -> "intelligence level too high";
            default -> reason.name();
        };
    }

    private static String level(RobotProjection p) {
        return p.getIntelligenceLevel().name().replace("INTELLIGENCE_LEVEL_", "");
    }

    private static String tiers(RobotProjection p) {
        return p.getCertifiedTiersList().isEmpty() ? "none"
                : p.getCertifiedTiersList().stream().map(RobotLife::shortName).collect(Collectors.joining(", "));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ the watch

    /** A message of the watch stream and when it arrived. */
    record Arrived(WatchPermissionsResponse message, Instant at) {
    }

    /** The robot's WatchPermissions stream (its own token), open until closed; messages kept with their arrival time. */
    static final class Watch {
        private final BlockingQueue<Arrived> queue = new LinkedBlockingQueue<>();
        private final Context.CancellableContext context = Context.current().withCancellation();
        private volatile Throwable failed;

        Watch(RobotLife life) {
            context.run(() -> Endpoints.as(GeofenceServiceGrpc.newStub(life.endpoints().channel("geofence-service")),
                    robotToken(life)).watchPermissions(WatchPermissionsRequest.newBuilder()
                            .setRobotId(life.robot.getRobotId()).build(), new StreamObserver<>() {
                                @Override
                                public void onNext(WatchPermissionsResponse value) {
                                    queue.add(new Arrived(value, Instant.now()));
                                }

                                @Override
                                public void onError(Throwable t) {
                                    failed = t;
                                }

                                @Override
                                public void onCompleted() {
                                    failed = new IllegalStateException("the watch stream ended");
                                }
                            }));
        }

        /** The first message of {@code kind} that satisfies {@code matches}, arrived before {@code deadline}. */
        Arrived arrived(RobotLife life, PermissionChangeKind kind, Predicate<WatchPermissionsResponse> matches, Instant deadline) {
            List<String> seen = new ArrayList<>();
            while (true) {
                long wait = Duration.between(Instant.now(), deadline).toMillis();
                Arrived a;
                try {
                    a = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                if (a == null) {
                    life.expect(false, "a " + kind + " message on the watch stream; got only " + seen
                            + (failed == null ? "" : "; the stream failed: " + failed));
                }
                if (a.message().getKind() == kind && matches.test(a.message())) {
                    return a;
                }
                seen.add(a.message().getKind() + " (" + a.message().getDetail() + ")");
            }
        }

        WatchPermissionsResponse next(RobotLife life, PermissionChangeKind kind, Predicate<WatchPermissionsResponse> matches,
                Instant deadline) {
            return arrived(life, kind, matches, deadline).message();
        }

        void close() {
            context.cancel(null);
        }
    }
}
