package io.robotid.geofence.evidence;

import io.robotid.testkit.Filings;
import static io.robotid.geofence.support.Registry.*;
import static io.robotid.geofence.support.Zones.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.ZonePolicy;
import io.robotid.geofence.repository.PolicyRepository;
import io.robotid.geofence.service.PermissionWatch;
import io.robotid.geofence.service.PolicyStore;
import io.robotid.geofence.service.Projections;
import io.robotid.geofence.support.Registry;
import io.robotid.geofence.support.RegistryProcesses;
import io.robotid.proto.common.v1.Discrepancy;
import io.robotid.proto.geofence.v1.*;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.ComponentReplaced;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.testkit.GrpcAssertions;
import io.robotid.testkit.Tampering;
import io.robotid.testkit.Tokens;
import io.vertx.core.Vertx;

/**
 * What geofence-service stores is evidence (EVIDENCE.md sections 7 and 8.7): the policy log chains every
 * zone and grant as written, the zone and grant rows are its projections, the feed projections keep their
 * feeds' seals, denials are sealed. Every column of those rows, changed alone directly in PostgreSQL, is
 * named by VerifyRecords, and the record verifies again once it is put back; a service loading a changed
 * policy log refuses to serve it and says which change.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class EvidenceTamperIT {
    static Registry registry;
    static Filings.Maker maker;
    static String robot;
    static final String CITY = authority("tamper-city");

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Inject
    PolicyRepository repository;

    @Inject
    Vertx vertx;

    static final Map<String, String> REFUSED_BY_THE_DATABASE = Map.of(
            "zone.zone_id", "the primary key grants reference");

    /** Columns deliberately outside every seal, and why (docs/evidence.md says so too). */
    static final Map<String, String> OUTSIDE = Map.of(
            "denial.denial_id", "the audit's order, newest first: not part of the record");

    @BeforeAll
    static void setUp() {
        registry = new Registry();
        maker = registry.maker(1);
        robot = maker.robots().get(0);
        registry.inService(maker, robot, "op-tamper");
        String body = registry.accredit();
        registry.pass(body, maker.modelCode(), io.robotid.proto.certification.v1.Tier.TIER_BASE_SAFETY, null);
        registry.pass(body, robot, io.robotid.proto.certification.v1.Tier.TIER_MOBILITY, null);
        // a safety-relevant part replaced: the unit's tiers wait for re-validation (a revalidation row)
        registry.record(Tokens.role("SERVICE_PROVIDER"), robot, EventPayload.newBuilder().setComponentReplaced(
                ComponentReplaced.newBuilder()
                        .setOldPart(io.robotid.proto.lifecycle.v1.Component.newBuilder().setPartNumber("MTR-100").setLot("L1")
                                .setSerial("x"))
                        .setNewPart(io.robotid.proto.lifecycle.v1.Component.newBuilder().setPartNumber("MTR-200").setLot("L2")
                                .setSerial("y").setSafetyRelevant(true).setCategory(ComponentCategory.COMPONENT_CATEGORY_ACTUATOR))
                        .setReason("worn")).build());
        Zone outdoor = create(outdoor("Yard", ZoneKind.ZONE_KIND_RESTRICTED, square(48.1, 11.5, 0.01)));
        create(indoor("Hall", ZoneKind.ZONE_KIND_PROHIBITED, "tamper-venue", "1", "A"));
        Zone gone = create(outdoor("Temporary", ZoneKind.ZONE_KIND_CONDITIONAL, square(48.2, 11.6, 0.01)));
        Grant kept = grant(outdoor);
        Grant revoked = grant(outdoor);
        registry.as(CITY).revokePermission(RevokePermissionRequest.newBuilder().setRequestId(requestId())
                .setGrantId(revoked.getGrantId()).setReason("over").build());
        registry.as(CITY).deleteZone(DeleteZoneRequest.newBuilder().setRequestId(requestId()).setZoneId(gone.getZoneId())
                .setReason("event ended").build());
        assertThat(kept.getRevoked()).isFalse();
        await("the robot projected with its certificates and re-validation", () -> {
            var view = registry.as(Tokens.regulator()).checkPermission(CheckPermissionRequest.newBuilder().setRobotId(robot)
                    .setPosition(Position.newBuilder().setLatitude(10).setLongitude(10)).setTaskCategory("x").build());
            return !view.getReasonsList().contains(DenialReason.DENIAL_REASON_ROBOT_UNKNOWN);
        });
        // a denial (the hall is prohibited), written to the audit off the check path
        registry.as(robot(robot)).checkPermission(CheckPermissionRequest.newBuilder().setRobotId(robot)
                .setIndoor(IndoorPlace.newBuilder().setVenue("tamper-venue").setFloor("1").setZoneCode("A"))
                .setTaskCategory("logistics").build());
        await("the denial is stored", () -> registry.as(Tokens.regulator()).listDenials(ListDenialsRequest.newBuilder()
                .setRobotId(robot).build()).getDenialsCount() > 0);
        await("the re-validation is projected", () -> verify().getRecordsChecked() > 0 && verify().getIntact());
    }

    static Zone create(ZoneDefinition.Builder zone) {
        return registry.as(CITY).createZone(CreateZoneRequest.newBuilder().setRequestId(requestId()).setZone(zone).build())
                .getZone();
    }

    static Grant grant(Zone zone) {
        return registry.as(CITY).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                .setZoneId(zone.getZoneId()).setRobotId(robot).addTaskCategories("logistics").build()).getGrant();
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static VerifyRecordsResponse verify() {
        return registry.as(Tokens.auditor()).verifyRecords(VerifyRecordsRequest.getDefaultInstance());
    }

    record Expected(String table, String column) {
    }

    static Expected expected(String table, String column) {
        return switch (table) {
            // the log's own records: a changed field breaks the seal of its change (hash), and fields the body
            // repeats are named too
            case "policy_change" -> new Expected("policy_change", "");
            // projections of the log: each column is compared with the record it comes from
            case "zone", "zone_grant" -> new Expected(table, column.equals("grant_id") ? "" : column);
            // feed projections: each row is its feed's sealed entry, named with the column that does not check out
            case "robot_status", "certificate", "revalidation" -> new Expected(table, "");
            case "denial" -> new Expected("denial", column.equals("body") ? "" : column);
            default -> null;
        };
    }

    @Test
    void everyStoredColumnChangedAloneIsNamedAndTheRecordsVerifyOnceItIsBack() throws SQLException {
        assertThat(verify().getIntact()).as("untouched: %s", verify().getDiscrepanciesList()).isTrue();
        List<String> changed = new ArrayList<>();
        Map<String, String> rowsOf = new LinkedHashMap<>();
        rowsOf.put("policy_change", "entity_id in (select zone_id from zone where authority = ?) or entity_id in "
                + "(select grant_id from zone_grant g join zone z using (zone_id) where z.authority = ?)");
        rowsOf.put("zone", "authority = ? or authority = ?");
        rowsOf.put("zone_grant", "zone_id in (select zone_id from zone where authority = ? or authority = ?)");
        rowsOf.put("robot_status", "robot_id = ? or robot_id = ?");
        rowsOf.put("certificate", "subject in (?, ?)");
        rowsOf.put("revalidation", "robot_id = ? or robot_id = ?");
        rowsOf.put("denial", "robot_id = ? or robot_id = ?");
        try (Tampering db = new Tampering(jdbcUrl, "postgres", "")) {
            for (var table : rowsOf.entrySet()) {
                Object[] parameters = switch (table.getKey()) {
                    case "policy_change", "zone", "zone_grant" -> new Object[] { "tamper-city", "tamper-city" };
                    case "certificate" -> new Object[] { robot, maker.modelCode() };
                    default -> new Object[] { robot, robot };
                };
                List<String> rows = new ArrayList<>(db.rows(table.getKey(), table.getValue(), parameters));
                assertThat(rows).as("rows of %s", table.getKey()).isNotEmpty();
                for (Tampering.Column column : db.columns(table.getKey())) {
                    String name = table.getKey() + "." + column.name();
                    if (REFUSED_BY_THE_DATABASE.containsKey(name)) {
                        String first = rows.get(0);
                        assertThatThrownBy(() -> db.change(first, column)).as(name).isInstanceOf(SQLException.class);
                        continue;
                    }
                    if (OUTSIDE.containsKey(name)) {
                        continue;
                    }
                    Expected want = expected(table.getKey(), column.name());
                    assertThat(want).as("%s is neither checked nor known to be refused: place it", name).isNotNull();
                    for (int i = 0; i < rows.size(); i++) {
                        // a number moved far away, so that it meets no other row's key
                        Tampering.Change change = db.change(rows.get(i), column,
                                override(name));
                        VerifyRecordsResponse found = verify();
                        rows.set(i, db.restore(change));
                        assertThat(found.getIntact()).as("%s changed", name).isFalse();
                        assertThat(found.getDiscrepanciesList()).as("%s changed: %s", name, found.getDiscrepanciesList())
                                .anySatisfy(d -> named(d, want));
                        changed.add(name);
                    }
                }
            }
        }
        assertThat(verify().getIntact()).as("every value put back").isTrue();
        System.out.printf("VerifyRecords named each of %d column changes in %d columns%n", changed.size(),
                Set.copyOf(changed).size());
    }

    /** Numbers moved far away and keys moved to another existing row, so that the database takes the change. */
    private static String override(String column) {
        return switch (column) {
            case "policy_change.seq" -> "seq + 1000000";
            case "zone_grant.zone_id" -> "(select z.zone_id from zone z where z.authority = 'tamper-city'"
                    + " and z.zone_id <> zone_grant.zone_id order by z.zone_id limit 1)";
            default -> null;
        };
    }

    private static void named(Discrepancy d, Expected want) {
        assertThat(d.getTable()).isEqualTo(want.table());
        if (!want.column().isEmpty()) {
            assertThat(d.getColumn()).isEqualTo(want.column());
        }
    }

    @Test
    void aPolicyLogChangedInTheDatabaseIsRefusedWhenLoadedAndNamed() throws Exception {
        try (Tampering db = new Tampering(jdbcUrl, "postgres", "")) {
            String ctid = db.rows("policy_change", "seq = (select max(seq) from policy_change)").get(0);
            Tampering.Column body = db.columns("policy_change").stream().filter(c -> c.name().equals("body")).findFirst()
                    .orElseThrow();
            Tampering.Change change = db.change(ctid, body);
            try {
                // a replica starting now: it reads the whole log, and the changed change stops it
                PolicyStore fresh = new PolicyStore(repository, new PermissionWatch(java.time.Clock.systemUTC()),
                        new Projections(new PermissionWatch(java.time.Clock.systemUTC()), java.time.Clock.systemUTC()),
                        vertx, Duration.ofMinutes(1));
                fresh.refresh().await().atMost(Duration.ofSeconds(30));
                assertThat(fresh.policy().verified()).isFalse();
                assertThat(fresh.integrityProblem()).contains("policy_change seq=").contains("hash");
            } finally {
                db.restore(change);
            }
        }
    }

    @Test
    void thePolicyLogIsServedSoThatEachChangeAndItsLinkCanBeRecomputed() {
        ListPolicyChangesResponse page = registry.as(Tokens.auditor()).listPolicyChanges(ListPolicyChangesRequest.newBuilder()
                .setPageSize(500).build());
        assertThat(page.getChangesList()).isNotEmpty();
        String previous = "0".repeat(64);
        long seq = 0;
        for (PolicyChange c : page.getChangesList()) {
            assertThat(c.getSeq()).isEqualTo(++seq);
            assertThat(Hex.of(Sha256.of(c.getSealed().toByteArray()))).isEqualTo(c.getHash());
            assertThat(c.getPreviousHash()).isEqualTo(previous);
            assertThat(new String(c.getSealed().toByteArray(), 0, ZonePolicy.TAG.length())).isEqualTo(ZonePolicy.TAG);
            previous = c.getHash();
        }
        // the policy hash a receipt names is the hash of the log's last change at its version
        CheckPermissionResponse answer = registry.as(robot(robot)).checkPermission(CheckPermissionRequest.newBuilder()
                .setRobotId(robot).setPosition(Position.newBuilder().setLatitude(10).setLongitude(10))
                .setTaskCategory("logistics").build());
        assertThat(verify().getPolicyVersion()).isEqualTo(answer.getPolicyVersion());
        GrpcAssertions.refused(() -> registry.as(robot(robot)).listPolicyChanges(ListPolicyChangesRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED);
        GrpcAssertions.refused(() -> registry.as(robot(robot)).verifyRecords(VerifyRecordsRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED);
        GrpcAssertions.refused(() -> registry.anonymous().verifyRecords(VerifyRecordsRequest.getDefaultInstance()),
                Status.Code.UNAUTHENTICATED);
        Runnable bad = () -> registry.as(Tokens.auditor()).listPolicyChanges(ListPolicyChangesRequest.newBuilder()
                .setAfterSeq(-1).setPageSize(501).build());
        assertThat(GrpcAssertions.invalid(bad, "after_seq")).contains("must be 0");
        assertThat(GrpcAssertions.invalid(bad, "page_size")).contains("at most 500");
    }
}
