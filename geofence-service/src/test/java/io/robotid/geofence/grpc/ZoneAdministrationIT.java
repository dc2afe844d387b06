package io.robotid.geofence.grpc;

import static io.robotid.geofence.support.Registry.authority;
import static io.robotid.geofence.support.Registry.requestId;
import static io.robotid.geofence.support.Zones.*;
import static io.robotid.testkit.GrpcAssertions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.geofence.support.Registry;
import io.robotid.geofence.support.RegistryProcesses;
import io.robotid.proto.geofence.v1.*;
import io.robotid.testkit.Tokens;

/**
 * Zones and grants through the gRPC API: every kind of area, the validation errors by field and rule,
 * who may edit what, idempotent retries and lost-update protection.
 */
@QuarkusTest
@QuarkusTestResource(RegistryProcesses.class)
class ZoneAdministrationIT {
    static Registry registry;
    static final String CITY = authority("city-hall");
    static final String PORT = authority("port-authority");

    @BeforeAll
    static void setUp() {
        registry = new Registry();
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        registry.close();
    }

    static Zone create(String token, ZoneDefinition.Builder zone) {
        return registry.as(token).createZone(CreateZoneRequest.newBuilder().setRequestId(requestId()).setZone(zone).build()).getZone();
    }

    @Test
    void everyKindOfAreaIsStoredAsWrittenAndOwnedByTheCaller() {
        Zone holed = create(CITY, outdoor("Old town", ZoneKind.ZONE_KIND_CONDITIONAL, holed(52.0, 13.0, 0.03))
                .setPublicSpace(true).setConditions(speed(1.5).addAllowedTaskCategories("Delivery")
                        .addTimeWindows(TimeWindow.newBuilder().addDays(Weekday.WEEKDAY_MONDAY).setStart("08:00").setEnd("18:00"))
                        .setTimeZone("Europe/Berlin")));
        Zone multi = create(CITY, outdoor("Twin parks", ZoneKind.ZONE_KIND_RESTRICTED, twoSquares(52.1, 13.1, 0.01)));
        Zone hall = create(PORT, indoor("Hall 2", ZoneKind.ZONE_KIND_PROHIBITED, "terminal-1", "2", "B"));
        assertThat(holed.getAuthority()).isEqualTo("city-hall");
        assertThat(hall.getAuthority()).isEqualTo("port-authority");
        assertThat(holed.getZoneId()).isNotEqualTo(multi.getZoneId());
        assertThat(multi.getVersion()).isGreaterThan(holed.getVersion());
        assertThat(holed.getCreated().getSubject()).isEqualTo("authority-city-hall");
        Zone read = registry.as(Tokens.role("OPERATOR")).getZone(GetZoneRequest.newBuilder().setZoneId(holed.getZoneId()).build()).getZone();
        assertThat(read).isEqualTo(holed);
        ListZonesResponse mine = registry.as(CITY).listZones(ListZonesRequest.newBuilder().setAuthority("city-hall").build());
        assertThat(mine.getZonesList()).extracting(Zone::getZoneId).contains(holed.getZoneId(), multi.getZoneId())
                .doesNotContain(hall.getZoneId());
        ListZonesResponse venue = registry.as(CITY).listZones(ListZonesRequest.newBuilder().setVenue("terminal-1").build());
        assertThat(venue.getZonesList()).extracting(Zone::getZoneId).containsExactly(hall.getZoneId());
        ListZonesResponse box = registry.as(CITY).listZones(ListZonesRequest.newBuilder().setBox(BoundingBox.newBuilder()
                .setMinLatitude(52.005).setMinLongitude(13.005).setMaxLatitude(52.006).setMaxLongitude(13.006)).build());
        assertThat(box.getZonesList()).extracting(Zone::getZoneId).contains(holed.getZoneId()).doesNotContain(multi.getZoneId());
    }

    @Test
    void malformedZonesAreRefusedNamingTheFieldAndTheRule() {
        assertInvalid(outdoor("x", ZoneKind.ZONE_KIND_CONDITIONAL,
                "{\"type\":\"Polygon\",\"coordinates\":[[[13,52],[13.1,52],[13.1,52.1],[13,52.1],[13.05,52.05]]]}"),
                "zone.geojson", "closed");
        assertInvalid(outdoor("bow tie", ZoneKind.ZONE_KIND_CONDITIONAL,
                "{\"type\":\"Polygon\",\"coordinates\":[[[13,52],[13.1,52.1],[13.1,52],[13,52.1],[13,52]]]}"),
                "zone.geojson", "intersect");
        assertInvalid(outdoor("x", ZoneKind.ZONE_KIND_CONDITIONAL,
                "{\"type\":\"Polygon\",\"coordinates\":[[[13,95],[13.1,95],[13.1,95.1],[13,95]]]}"), "zone.geojson", "latitude");
        assertInvalid(outdoor("x", ZoneKind.ZONE_KIND_CONDITIONAL,
                "{\"type\":\"Polygon\",\"coordinates\":[[[13,NaN],[13.1,52],[13.1,52.1],[13,NaN]]]}"), "zone.geojson", "NaN");
        StringBuilder many = new StringBuilder("{\"type\":\"Polygon\",\"coordinates\":[[");
        for (int i = 0; i < 10_001; i++) {
            double a = 2 * Math.PI * i / 10_001;
            many.append(String.format(java.util.Locale.ROOT, "[%f,%f],", 13 + 0.1 * Math.cos(a), 52 + 0.1 * Math.sin(a)));
        }
        many.append(String.format(java.util.Locale.ROOT, "[%f,%f]]]}", 13.1, 52.0));
        assertInvalid(outdoor("x", ZoneKind.ZONE_KIND_CONDITIONAL, many.toString()), "zone.geojson", "at most 10000");
        assertInvalid(outdoor("x", ZoneKind.ZONE_KIND_CONDITIONAL, square(52, 13, 0.1))
                .setConditions(ZoneConditions.newBuilder().addAllowedTaskCategories("")), "zone.conditions", "");
        assertInvalid(outdoor("x", ZoneKind.ZONE_KIND_CONDITIONAL, square(52, 13, 0.1)).setConditions(ZoneConditions.newBuilder()
                .addTimeWindows(TimeWindow.newBuilder().addDays(Weekday.WEEKDAY_MONDAY).setStart("08:00").setEnd("07:00"))
                .setTimeZone("Mars/Olympus")), "zone.conditions.time_zone", "unknown time zone");
        assertInvalid(outdoor("x", ZoneKind.ZONE_KIND_CONDITIONAL, square(52, 13, 0.1)).setConditions(speed(25)),
                "zone.conditions.max_speed_m_per_s", "(0, 20.0]");
        assertInvalid(ZoneDefinition.newBuilder().setName("no area").setKind(ZoneKind.ZONE_KIND_RESTRICTED), "zone.area", "required");
        assertInvalid(outdoor("", ZoneKind.ZONE_KIND_UNSPECIFIED, square(52, 13, 0.1)), "zone.kind", "required");
        assertInvalid(outdoor("across", ZoneKind.ZONE_KIND_CONDITIONAL,
                "{\"type\":\"Polygon\",\"coordinates\":[[[179.5,0],[-179.5,0],[-179.5,1],[179.5,1],[179.5,0]]]}"),
                "zone.geojson", "antimeridian");
        // nothing of it was stored
        assertThat(registry.as(CITY).listZones(ListZonesRequest.newBuilder().setAuthority("city-hall").setIncludeDeleted(true).build())
                .getZonesList()).extracting(z -> z.getDefinition().getName()).doesNotContain("bow tie", "across", "no area");
    }

    static void assertInvalid(ZoneDefinition.Builder zone, String field, String rule) {
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> create(CITY, zone));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fieldViolations(e)).as("violations of %s", zone.getName())
                .anySatisfy(v -> {
                    assertThat(v.getField()).startsWith(field);
                    assertThat(v.getDescription()).contains(rule);
                });
    }

    @Test
    void anAuthorityEditsOnlyItsOwnZonesAndARegulatorAny() {
        Zone zone = create(CITY, outdoor("Fountain", ZoneKind.ZONE_KIND_RESTRICTED, square(52.2, 13.2, 0.01)));
        UpdateZoneRequest edit = UpdateZoneRequest.newBuilder().setRequestId(requestId()).setZoneId(zone.getZoneId())
                .setZone(zone.getDefinition().toBuilder().setName("Fountain square")).build();
        assertPermissionDenied(() -> registry.as(PORT).updateZone(edit), "NOT_ZONE_AUTHORITY");
        assertPermissionDenied(() -> registry.as(PORT).deleteZone(DeleteZoneRequest.newBuilder().setRequestId(requestId())
                .setZoneId(zone.getZoneId()).setReason("mine now").build()), "NOT_ZONE_AUTHORITY");
        assertPermissionDenied(() -> registry.as(PORT).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                .setZoneId(zone.getZoneId()).setOperatorOrgId("op-x").build()), "NOT_ZONE_AUTHORITY");
        // roles that never edit zones, and no token
        for (String role : List.of("OPERATOR", "ROBOT", "MANUFACTURER", "AUDITOR", "CERTIFICATION_BODY")) {
            assertThat(code(() -> registry.as(Tokens.role(role)).createZone(CreateZoneRequest.newBuilder().setRequestId(requestId())
                    .setZone(zone.getDefinition()).build()))).as(role).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        assertThat(code(() -> registry.anonymous().createZone(CreateZoneRequest.newBuilder().setRequestId(requestId())
                .setZone(zone.getDefinition()).build()))).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(code(() -> registry.as(Tokens.expired("ZONE_AUTHORITY")).listZones(ListZonesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        // the owner may, and so may a regulator
        Zone renamed = registry.as(CITY).updateZone(edit).getZone();
        assertThat(renamed.getDefinition().getName()).isEqualTo("Fountain square");
        assertThat(renamed.getLastChanged().getSubject()).isEqualTo("authority-city-hall");
        Zone regulated = registry.as(Tokens.regulator()).updateZone(UpdateZoneRequest.newBuilder().setRequestId(requestId())
                .setZoneId(zone.getZoneId()).setZone(renamed.getDefinition().toBuilder().setPrecedence(7)).build()).getZone();
        assertThat(regulated.getAuthority()).isEqualTo("city-hall");
        assertThat(regulated.getDefinition().getPrecedence()).isEqualTo(7);
    }

    @Test
    void aRetryGetsTheSameAnswerAndAReusedIdForAnotherRequestIsRefused() {
        CreateZoneRequest request = CreateZoneRequest.newBuilder().setRequestId(requestId())
                .setZone(outdoor("Pier", ZoneKind.ZONE_KIND_CONDITIONAL, square(52.3, 13.3, 0.01))).build();
        Zone first = registry.as(CITY).createZone(request).getZone();
        Zone again = registry.as(CITY).createZone(request).getZone();
        assertThat(again).isEqualTo(first);
        assertInvalidArgument(() -> registry.as(CITY).createZone(request.toBuilder()
                .setZone(request.getZone().toBuilder().setName("Other pier")).build()), "request_id");
        assertThat(registry.as(CITY).listZones(ListZonesRequest.newBuilder().setAuthority("city-hall").build()).getZonesList())
                .filteredOn(z -> z.getDefinition().getName().equals("Pier")).hasSize(1);
        assertInvalidArgument(() -> registry.as(CITY).createZone(request.toBuilder().setRequestId("not-a-uuid").build()), "request_id");
    }

    @Test
    void anUpdateAgainstAnOldVersionIsRefusedAndDeletedZonesStayReadable() {
        Zone zone = create(CITY, outdoor("Market", ZoneKind.ZONE_KIND_CONDITIONAL, square(52.4, 13.4, 0.01)));
        Zone changed = registry.as(CITY).updateZone(UpdateZoneRequest.newBuilder().setRequestId(requestId()).setZoneId(zone.getZoneId())
                .setZone(zone.getDefinition().toBuilder().setConditions(speed(1))).setExpectedVersion(zone.getVersion()).build()).getZone();
        StatusRuntimeException stale = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> registry.as(CITY).updateZone(UpdateZoneRequest.newBuilder().setRequestId(requestId()).setZoneId(zone.getZoneId())
                        .setZone(zone.getDefinition()).setExpectedVersion(zone.getVersion()).build()));
        assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(errorInfo(stale).getReason()).isEqualTo("VERSION_MISMATCH");
        Zone deleted = registry.as(CITY).deleteZone(DeleteZoneRequest.newBuilder().setRequestId(requestId()).setZoneId(zone.getZoneId())
                .setReason("market moved").build()).getZone();
        assertThat(deleted.getDeleted()).isTrue();
        assertThat(registry.as(CITY).getZone(GetZoneRequest.newBuilder().setZoneId(zone.getZoneId()).build()).getZone().getDeleted())
                .isTrue();
        assertThat(code(() -> registry.as(CITY).updateZone(UpdateZoneRequest.newBuilder().setRequestId(requestId())
                .setZoneId(zone.getZoneId()).setZone(changed.getDefinition()).build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertNotFound(() -> registry.as(CITY).getZone(GetZoneRequest.newBuilder().setZoneId(java.util.UUID.randomUUID().toString())
                .build()));
        assertInvalidArgument(() -> registry.as(CITY).getZone(GetZoneRequest.newBuilder().setZoneId("zone-1").build()), "zone_id");
    }

    @Test
    void grantsAreGivenAndRevokedByTheZonesAuthorityAndShownOnlyToThoseConcerned() {
        Zone restricted = create(PORT, outdoor("Quay", ZoneKind.ZONE_KIND_RESTRICTED, square(52.5, 13.5, 0.01)));
        Zone prohibited = create(PORT, outdoor("Fuel depot", ZoneKind.ZONE_KIND_PROHIBITED, square(52.6, 13.6, 0.01)));
        Grant grant = registry.as(PORT).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                .setZoneId(restricted.getZoneId()).setOperatorOrgId("op-harbour").addTaskCategories("Logistics").build()).getGrant();
        assertThat(grant.getTaskCategoriesList()).containsExactly("logistics");
        assertThat(grant.hasValidFrom()).isTrue();
        StatusRuntimeException intoProhibited = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> registry.as(PORT).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                        .setZoneId(prohibited.getZoneId()).setOperatorOrgId("op-harbour").build()));
        assertThat(errorInfo(intoProhibited).getReason()).isEqualTo("ZONE_PROHIBITED");
        assertInvalidArgument(() -> registry.as(PORT).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                .setZoneId(restricted.getZoneId()).build()), "grantee");
        assertInvalidArgument(() -> registry.as(PORT).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                .setZoneId(restricted.getZoneId()).setRobotId("not-a-robot").build()), "robot_id");
        assertInvalidArgument(() -> registry.as(PORT).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(requestId())
                .setZoneId(restricted.getZoneId()).setOperatorOrgId("op").addTaskCategories("no spaces!").build()), "task_categories[0]");

        assertThat(registry.as(PORT).listGrants(ListGrantsRequest.newBuilder().setZoneId(restricted.getZoneId()).build())
                .getGrantsList()).containsExactly(grant);
        assertThat(registry.as(CITY).listGrants(ListGrantsRequest.newBuilder().setZoneId(restricted.getZoneId()).build())
                .getGrantsList()).isEmpty(); // not its zone
        assertThat(code(() -> registry.as(Tokens.role("MANUFACTURER")).listGrants(ListGrantsRequest.newBuilder()
                .setZoneId(restricted.getZoneId()).build()))).isEqualTo(Status.Code.PERMISSION_DENIED);

        assertPermissionDenied(() -> registry.as(CITY).revokePermission(RevokePermissionRequest.newBuilder().setRequestId(requestId())
                .setGrantId(grant.getGrantId()).setReason("not yours").build()), "NOT_ZONE_AUTHORITY");
        Grant revoked = registry.as(PORT).revokePermission(RevokePermissionRequest.newBuilder().setRequestId(requestId())
                .setGrantId(grant.getGrantId()).setReason("contract ended").build()).getGrant();
        assertThat(revoked.getRevoked()).isTrue();
        assertThat(revoked.getRevokeReason()).isEqualTo("contract ended");
        assertThat(registry.as(PORT).listGrants(ListGrantsRequest.newBuilder().setZoneId(restricted.getZoneId()).build())
                .getGrantsList()).isEmpty();
        assertThat(registry.as(PORT).listGrants(ListGrantsRequest.newBuilder().setZoneId(restricted.getZoneId())
                .setIncludeRevoked(true).build()).getGrantsList()).containsExactly(revoked);
        assertThat(code(() -> registry.as(PORT).revokePermission(RevokePermissionRequest.newBuilder().setRequestId(requestId())
                .setGrantId(grant.getGrantId()).setReason("again").build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void theRemainingRpcsRefuseBadInputAndTheWrongCaller() {
        Zone zone = create(CITY, outdoor("Depot", ZoneKind.ZONE_KIND_RESTRICTED, square(52.7, 13.7, 0.01)));
        invalid(() -> registry.as(CITY).listZones(ListZonesRequest.newBuilder().setPageSize(501).build()), "page_size");
        invalid(() -> registry.as(CITY).listZones(ListZonesRequest.newBuilder().setPageToken("garbage").build()), "page_token");
        invalid(() -> registry.as(CITY).listZones(ListZonesRequest.newBuilder().setBox(BoundingBox.newBuilder()
                .setMinLatitude(-91).setMaxLatitude(0).setMaxLongitude(1)).build()), "box.min_latitude");
        invalid(() -> registry.as(CITY).listGrants(ListGrantsRequest.getDefaultInstance()), "zone_id");
        invalid(() -> registry.as(CITY).deleteZone(DeleteZoneRequest.newBuilder().setRequestId(requestId())
                .setZoneId(zone.getZoneId()).build()), "reason");
        invalid(() -> registry.as(CITY).revokePermission(RevokePermissionRequest.newBuilder().setRequestId(requestId())
                .setGrantId("g-1").setReason("x").build()), "grant_id");
        refused(() -> registry.as(CITY).revokePermission(RevokePermissionRequest.newBuilder().setRequestId(requestId())
                .setGrantId(java.util.UUID.randomUUID().toString()).setReason("x").build()), Status.Code.NOT_FOUND);
        refused(() -> registry.as(CITY).updateZone(UpdateZoneRequest.newBuilder().setRequestId(requestId())
                .setZoneId(java.util.UUID.randomUUID().toString()).setZone(zone.getDefinition()).build()), Status.Code.NOT_FOUND);
        invalid(() -> registry.as(Tokens.auditor()).listDenials(ListDenialsRequest.newBuilder().setPageToken("garbage").build()),
                "page_token");
        invalid(() -> registry.as(Tokens.auditor()).listDenials(ListDenialsRequest.newBuilder().setZoneId("z").build()), "zone_id");
        refused(() -> registry.as(Tokens.role("MANUFACTURER")).listDenials(ListDenialsRequest.getDefaultInstance()),
                Status.Code.PERMISSION_DENIED);
        refused(() -> registry.as(Tokens.role("MANUFACTURER")).echo(EchoRequest.getDefaultInstance()), Status.Code.PERMISSION_DENIED);
        refused(() -> registry.anonymous().echo(EchoRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED);
        refused(() -> registry.anonymous().getZone(GetZoneRequest.newBuilder().setZoneId(zone.getZoneId()).build()),
                Status.Code.UNAUTHENTICATED);
        refused(() -> registry.as(Tokens.role("ZONE_AUTHORITY")).createZone(CreateZoneRequest.newBuilder().setRequestId(requestId())
                .setZone(zone.getDefinition()).build()), Status.Code.PERMISSION_DENIED); // no org_id claim
        assertThat(registry.as(Tokens.role("ROBOT")).echo(EchoRequest.newBuilder().setPayload(com.google.protobuf.ByteString
                .copyFromUtf8("ping")).build()).getPayload().toStringUtf8()).isEqualTo("ping");
    }

    @Test
    void signingKeysArePublic() {
        ListSigningKeysResponse keys = registry.anonymous().listSigningKeys(ListSigningKeysRequest.getDefaultInstance());
        assertThat(keys.getKeysList()).anySatisfy(k -> {
            assertThat(k.getActive()).isTrue();
            assertThat(k.getAlgorithm()).isEqualTo("Ed25519");
            assertThat(k.getPublicKey().size()).isEqualTo(32);
        });
    }

    static List<com.google.rpc.BadRequest.FieldViolation> fieldViolations(StatusRuntimeException e) {
        return details(e, com.google.rpc.BadRequest.class).getFieldViolationsList();
    }

    static void assertPermissionDenied(Runnable call, String reason) {
        assertThat(reason(refused(call, Status.Code.PERMISSION_DENIED))).isEqualTo(reason);
    }

    static void assertInvalidArgument(Runnable call, String field) {
        invalid(call, field);
    }

    static void assertNotFound(Runnable call) {
        refused(call, Status.Code.NOT_FOUND);
    }

    static Status.Code code(Runnable call) {
        try {
            call.run();
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }
}
