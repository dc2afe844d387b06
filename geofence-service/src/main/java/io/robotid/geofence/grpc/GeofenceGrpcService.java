package io.robotid.geofence.grpc;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.quarkus.arc.NoClassInterceptors;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.geofence.domain.AskingRights;
import io.robotid.geofence.domain.Box;
import io.robotid.geofence.domain.ZoneDefinitions;
import io.robotid.geofence.service.Bundles;
import io.robotid.geofence.service.GeofenceEvidence;
import io.robotid.geofence.service.DenialLog;
import io.robotid.geofence.service.GeofenceKeys;
import io.robotid.geofence.service.PermissionChecks;
import io.robotid.geofence.service.PermissionWatch;
import io.robotid.geofence.service.Projections;
import io.robotid.geofence.service.RecordedAnswer;
import io.robotid.geofence.service.ZoneService;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.error.GrpcErrors;
import io.robotid.kit.grpc.FlowControl;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.proto.geofence.v1.*;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The gRPC face of geofence-service: proto in, domain call, proto out, errors mapped here. Roles are
 * checked by annotation; which robot a caller may ask about, and which zone it may edit, by the services.
 */
@GrpcService
@Authenticated
public class GeofenceGrpcService extends MutinyGeofenceServiceGrpc.GeofenceServiceImplBase {
    static final String CHECKERS_ROBOT = Role.Names.ROBOT;

    private final ZoneService zones;
    private final PermissionChecks checks;
    private final Bundles bundles;
    private final PermissionWatch watch;
    private final Projections projections;
    private final DenialLog denials;
    private final GeofenceKeys keys;
    private final GeofenceEvidence evidence;
    private final SecurityIdentity identity;
    private final Clock clock;

    @Inject
    public GeofenceGrpcService(ZoneService zones, PermissionChecks checks, Bundles bundles, PermissionWatch watch,
            Projections projections, DenialLog denials, GeofenceKeys keys, GeofenceEvidence evidence,
            SecurityIdentity identity, Clock clock) {
        this.zones = zones;
        this.checks = checks;
        this.bundles = bundles;
        this.watch = watch;
        this.projections = projections;
        this.denials = denials;
        this.keys = keys;
        this.evidence = evidence;
        this.identity = identity;
        this.clock = clock;
    }

    /**
     * As generated, but WatchPermissions is read only as fast as the watcher takes it (the kit's {@link FlowControl}):
     * a watcher that cannot keep up then keeps only the latest change ({@link PermissionWatch}'s LATEST strategy).
     * Quarkus's binding asks for every change at once, so a slow robot's changes queued in this service's outbound
     * buffers however many zones changed. StreamChecks takes a stream's checks only while fewer than
     * {@link #STREAM_CHECKS_IN_FLIGHT} wait for their answers, and sends answers only while the robot reads them
     * (Quarkus's binding took every check as it came and queued every answer). Called once at start, with no caller:
     * the class's security binding is for the RPCs, which are checked as before.
     */
    @Override
    @NoClassInterceptors
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition service = FlowControl.serverStreaming(super.bindService(),
                GeofenceServiceGrpc.getWatchPermissionsMethod(), this::watchPermissions);
        return FlowControl.bidiStreaming(service, GeofenceServiceGrpc.getStreamChecksMethod(), this::streamCheckAnswers,
                STREAM_CHECKS_IN_FLIGHT);
    }

    @Override
    @RolesAllowed({Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<CreateZoneResponse> createZone(CreateZoneRequest request) {
        return write("CreateZone", request.getRequestId(), c -> zones.create(c, request.getZone(),
                recorded(request, zone -> CreateZoneResponse.newBuilder().setZone(zone).build(), CreateZoneResponse.parser())));
    }

    @Override
    @RolesAllowed({Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<UpdateZoneResponse> updateZone(UpdateZoneRequest request) {
        return write("UpdateZone", request.getRequestId(), c -> zones.update(c, request.getZoneId(), request.getZone(),
                request.hasExpectedVersion() ? request.getExpectedVersion() : null,
                recorded(request, zone -> UpdateZoneResponse.newBuilder().setZone(zone).build(), UpdateZoneResponse.parser())));
    }

    @Override
    @RolesAllowed({Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<DeleteZoneResponse> deleteZone(DeleteZoneRequest request) {
        return write("DeleteZone", request.getRequestId(), c -> zones.delete(c, request.getZoneId(), request.getReason(),
                recorded(request, zone -> DeleteZoneResponse.newBuilder().setZone(zone).build(), DeleteZoneResponse.parser())));
    }

    @Override
    public Uni<GetZoneResponse> getZone(GetZoneRequest request) {
        return zones.get(request.getZoneId()).map(zone -> GetZoneResponse.newBuilder().setZone(zone).build());
    }

    @Override
    public Uni<ListZonesResponse> listZones(ListZonesRequest request) {
        ZoneService.ZoneQuery query = new ZoneService.ZoneQuery(request.hasBox() ? box(request.getBox()) : null,
                request.getAuthority(), request.getKind(), request.getVenue(), request.getIncludeDeleted(), request.getPageSize(),
                request.getPageToken());
        return zones.list(query).map(page -> {
            ListZonesResponse.Builder out = ListZonesResponse.newBuilder().setPolicyVersion(page.policyVersion())
                    .addAllZones(page.zones());
            if (page.nextPageToken() != null) {
                out.setNextPageToken(page.nextPageToken());
            }
            return out.build();
        });
    }

    @Override
    @RolesAllowed({Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<GrantPermissionResponse> grantPermission(GrantPermissionRequest request) {
        ZoneService.NewGrant grant = new ZoneService.NewGrant(request.getZoneId(),
                request.getGranteeCase() == GrantPermissionRequest.GranteeCase.ROBOT_ID ? request.getRobotId() : null,
                request.getGranteeCase() == GrantPermissionRequest.GranteeCase.OPERATOR_ORG_ID ? request.getOperatorOrgId() : null,
                request.getTaskCategoriesList(), request.hasValidFrom() ? request.getValidFrom() : null,
                request.hasValidUntil() ? request.getValidUntil() : null);
        return write("GrantPermission", request.getRequestId(), c -> zones.grant(c, grant,
                recorded(request, g -> GrantPermissionResponse.newBuilder().setGrant(g).build(), GrantPermissionResponse.parser())));
    }

    @Override
    @RolesAllowed({Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<RevokePermissionResponse> revokePermission(RevokePermissionRequest request) {
        return write("RevokePermission", request.getRequestId(), c -> zones.revoke(c, request.getGrantId(), request.getReason(),
                recorded(request, g -> RevokePermissionResponse.newBuilder().setGrant(g).build(), RevokePermissionResponse.parser())));
    }

    @Override
    @RolesAllowed({Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR, Role.Names.AUDITOR, Role.Names.ROBOT, Role.Names.OPERATOR})
    public Uni<ListGrantsResponse> listGrants(ListGrantsRequest request) {
        return zones.grants(caller(), new ZoneService.GrantQuery(request.getZoneId(), request.getRobotId(),
                request.getIncludeRevoked(), request.getPageSize(), request.getPageToken()), projections).map(page -> {
                    ListGrantsResponse.Builder out = ListGrantsResponse.newBuilder().addAllGrants(page.grants());
                    if (page.nextPageToken() != null) {
                        out.setNextPageToken(page.nextPageToken());
                    }
                    return out.build();
                });
    }

    @Override
    @RolesAllowed({Role.Names.ROBOT, Role.Names.OPERATOR, Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<CheckPermissionResponse> checkPermission(CheckPermissionRequest request) {
        return checks.check(caller(), GeofenceViews.check(request)).map(GeofenceViews::answer);
    }

    /**
     * StreamChecks, bound by {@link #bindService}: what answers one stream's checks, made when the stream opens (the
     * caller is read and the roles checked once a stream). Each check starts as it arrives, up to
     * {@link #STREAM_CHECKS_IN_FLIGHT} at once, so that the receipts of checks arriving together share one signature;
     * a check's refusal is its answer's error and the stream goes on.
     */
    @RolesAllowed({Role.Names.ROBOT, Role.Names.OPERATOR, Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<Function<StreamChecksRequest, Uni<StreamChecksResponse>>> streamCheckAnswers() {
        // a Uni, so that the role check above is made without blocking, whether or not the identity is resolved yet
        return Uni.createFrom().item(() -> {
            CallerIdentity caller = caller();
            return r -> Uni.createFrom().deferred(() -> checks.check(caller, GeofenceViews.check(r.getCheck())))
                    .map(answer -> StreamChecksResponse.newBuilder().setCorrelationId(r.getCorrelationId())
                            .setResult(GeofenceViews.answer(answer)).build())
                    .onFailure().recoverWithItem(failure -> StreamChecksResponse.newBuilder()
                            .setCorrelationId(r.getCorrelationId()).setError(error(failure)).build());
        });
    }

    /** StreamChecks' checks taken from a stream and not yet answered: beyond it, a robot's checks wait in HTTP/2. */
    static final int STREAM_CHECKS_IN_FLIGHT = 256;

    @Override
    @RolesAllowed({Role.Names.ROBOT, Role.Names.OPERATOR, Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<GetPermissionBundleResponse> getPermissionBundle(GetPermissionBundleRequest request) {
        Box box = request.getRegionCase() == GetPermissionBundleRequest.RegionCase.BOX ? box(request.getBox()) : null;
        String venue = request.getRegionCase() == GetPermissionBundleRequest.RegionCase.VENUE ? request.getVenue() : null;
        return bundles.bundle(caller(), request.getRobotId(), request.hasValidity() ? request.getValidity() : null, box, venue)
                .map(b -> GetPermissionBundleResponse.newBuilder().setBundle(ByteString.copyFrom(b.bundle())).setKeyId(b.keyId())
                        .setSignature(ByteString.copyFrom(b.signature())).setIssuedAt(ZoneDefinitions.timestamp(b.issuedAt()))
                        .setExpiresAt(ZoneDefinitions.timestamp(b.expiresAt())).setZoneCount(b.zoneCount())
                        .setPolicyVersion(b.policyVersion()).build());
    }

    @Override
    @RolesAllowed({Role.Names.ROBOT, Role.Names.OPERATOR, Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Multi<WatchPermissionsResponse> watchPermissions(WatchPermissionsRequest request) {
        try {
            String robotId = Violations.requireRobotId("robot_id", request.getRobotId());
            var robot = projections.get(robotId);
            AskingRights.requireMayAsk(caller(), robotId, robot);
            return watch.watch(robotId, watch.subscribed(robotId, projections.view(robotId))).map(GeofenceViews::change);
        } catch (RuntimeException e) {
            return Multi.createFrom().failure((e));
        }
    }

    @Override
    @PermitAll
    public Uni<ListSigningKeysResponse> listSigningKeys(ListSigningKeysRequest request) {
        return keys.publishedKeys().map(list -> {
            String active = keys.active().keyId();
            ListSigningKeysResponse.Builder out = ListSigningKeysResponse.newBuilder();
            list.forEach(k -> {
                SigningKey.Builder b = SigningKey.newBuilder().setKeyId(k.keyId()).setAlgorithm("Ed25519")
                        .setPublicKey(com.google.protobuf.ByteString.copyFrom(k.publicKey()))
                        .setValidFrom(ZoneDefinitions.timestamp(k.validFrom())).setActive(k.keyId().equals(active));
                if (k.signingUntil() != null) {
                    b.setSigningUntil(ZoneDefinitions.timestamp(k.signingUntil()));
                }
                out.addKeys(b);
            });
            return out.build();
        });
    }

    @Override
    @RolesAllowed({Role.Names.REGULATOR, Role.Names.AUDITOR, Role.Names.ZONE_AUTHORITY})
    public Uni<ListDenialsResponse> listDenials(ListDenialsRequest request) {
        return denials.list(caller(), request.getRobotId(), request.getZoneId(), request.getPageSize(), request.getPageToken())
                .map(page -> {
                    ListDenialsResponse.Builder out = ListDenialsResponse.newBuilder().addAllDenials(page.denials());
                    if (page.nextPageToken() != null) {
                        out.setNextPageToken(page.nextPageToken());
                    }
                    return out.build();
                });
    }

    @Override
    @RolesAllowed({Role.Names.ROBOT, Role.Names.OPERATOR, Role.Names.ZONE_AUTHORITY, Role.Names.REGULATOR})
    public Uni<EchoResponse> echo(EchoRequest request) {
        return Uni.createFrom().item(EchoResponse.newBuilder().setPayload(request.getPayload()).build());
    }

    @Override
    @RolesAllowed({Role.Names.REGULATOR, Role.Names.AUDITOR})
    public Uni<ListPolicyChangesResponse> listPolicyChanges(ListPolicyChangesRequest request) {
        return evidence.changes(request.getAfterSeq(), request.getPageSize(), request.getPageToken())
                .map(page -> {
                    ListPolicyChangesResponse.Builder out = ListPolicyChangesResponse.newBuilder().addAllChanges(page.changes());
                    if (page.nextPageToken() != null) {
                        out.setNextPageToken(page.nextPageToken());
                    }
                    return out.build();
                });
    }

    @Override
    @RolesAllowed({Role.Names.REGULATOR, Role.Names.AUDITOR})
    public Uni<VerifyRecordsResponse> verifyRecords(VerifyRecordsRequest request) {
        return evidence.verify().map(v -> {
            VerifyRecordsResponse.Builder out = VerifyRecordsResponse.newBuilder().setIntact(v.findings().isEmpty())
                    .setRecordsChecked(v.recordsChecked()).setPolicyVersion(v.policyVersion()).setPolicyHash(v.policyHash());
            v.findings().forEach(f -> out.addDiscrepancies(io.robotid.proto.common.v1.Discrepancy.newBuilder()
                    .setTable(f.table()).setKey(f.key()).setColumn(f.column()).setProblem(f.problem())));
            return out.build();
        });
    }

    // ------------------------------------------------------------------------------------------------

    private CallerIdentity caller() {
        return CallerIdentity.from(identity);
    }

    private <R extends Message> Uni<R> write(String operation, String requestId, Function<WriteContext, Uni<R>> work) {
        return work.apply(WriteContext.of(caller(), requestId, operation, clock));
    }

    /** How a write's answer is made from what it produced, and recorded for its retries (with the request as sent). */
    private static <T, R extends Message> RecordedAnswer<T, R> recorded(Message request, Function<T, R> answer, Parser<R> parser) {
        return new RecordedAnswer<>(request, answer, parser);
    }

    private static Box box(BoundingBox b) {
        return new Box(b.getMinLatitude(), b.getMinLongitude(), b.getMaxLatitude(), b.getMaxLongitude());
    }


    /** A stream check's failure as the stream carries it (the same status a unary check would get). */
    private static CheckError error(Throwable failure) {
        io.grpc.StatusRuntimeException status = GrpcErrors.toStatusException(failure);
        CheckError.Builder b = CheckError.newBuilder().setCode(status.getStatus().getCode().name())
                .setMessage(status.getStatus().getDescription() == null ? "" : status.getStatus().getDescription());
        DomainException domain = GrpcErrors.classify(failure);
        domain.violations().forEach(v -> b.addFieldViolations(FieldProblem.newBuilder().setField(v.field()).setDescription(v.description())));
        return b.build();
    }
}
