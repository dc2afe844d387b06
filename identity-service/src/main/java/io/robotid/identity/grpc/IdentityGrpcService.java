package io.robotid.identity.grpc;

import java.time.Clock;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;

import io.grpc.ServerServiceDefinition;
import io.quarkus.arc.NoClassInterceptors;
import io.quarkus.grpc.GrpcService;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.identity.domain.IssuedIdentity;
import io.robotid.identity.page.RobotHistory;
import io.robotid.identity.page.RobotPages;
import io.robotid.identity.service.HistoryShares;
import io.robotid.identity.service.IdentityIssuer;
import io.robotid.identity.service.IdentityQueries;
import io.robotid.identity.service.SigningKeyRing;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.grpc.FlowControl;
import io.robotid.kit.idempotency.RequestHash;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.proto.identity.v1.*;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** The gRPC face of identity-service: proto in, domain call, proto out, errors mapped here. */
@GrpcService
@Authenticated
public class IdentityGrpcService extends MutinyIdentityServiceGrpc.IdentityServiceImplBase {
    /** Identities per streamed message. */
    static final int CHUNK = 1_000;
    private static final String ISSUE = "IssueIdentities";

    private final IdentityIssuer issuer;
    private final IdentityQueries queries;
    private final SigningKeyRing keys;
    private final SecurityIdentity identity;
    private final Clock clock;
    private final RobotHistory history;
    private final HistoryShares shares;
    private final RobotPages pages;

    @Inject
    public IdentityGrpcService(IdentityIssuer issuer, IdentityQueries queries, SigningKeyRing keys,
            SecurityIdentity identity, Clock clock, RobotHistory history, HistoryShares shares, RobotPages pages) {
        this.pages = pages;
        this.history = history;
        this.shares = shares;
        this.issuer = issuer;
        this.queries = queries;
        this.keys = keys;
        this.identity = identity;
        this.clock = clock;
    }

    /**
     * As generated, but IssueIdentities sends its chunks only as fast as the manufacturer reads them (the kit's
     * {@link FlowControl}): a chunk's message is made when the call can send it. Quarkus's binding made every chunk
     * of a batch (up to 100,000 identities) at once and queued them in this service's outbound buffers. Called once at
     * start, with no caller: the class's security binding is for the RPCs, which are checked as before.
     */
    @Override
    @NoClassInterceptors
    public ServerServiceDefinition bindService() {
        return FlowControl.serverStreaming(super.bindService(), IdentityServiceGrpc.getIssueIdentitiesMethod(),
                this::issueIdentities);
    }

    @Override
    @RolesAllowed(Role.Names.MANUFACTURER)
    public Multi<IssueIdentitiesResponse> issueIdentities(IssueIdentitiesRequest request) {
        return Uni.createFrom().<List<IssuedIdentity>>deferred(() -> {
            CallerIdentity caller = CallerIdentity.from(identity);
            WriteContext context = WriteContext.of(caller, request.getRequestId(), ISSUE, clock);
            IdentityIssuer.IssueCommand command = IdentityIssuer.validate(request.getModelCode(),
                    request.getSiteCode(), request.getProductionYear(), request.getCount(),
                    request.getHardwareSerialsList());
            String token = identity.getCredential(AccessTokenCredential.class).getToken();
            return issuer.issue(context, RequestHash.of(ISSUE, request), token, command);
        })
                .onItem().transformToMulti(IdentityGrpcService::chunks);
    }

    private static Multi<IssueIdentitiesResponse> chunks(List<IssuedIdentity> batch) {
        long first = batch.get(0).robotId().sequence();
        long last = batch.get(batch.size() - 1).robotId().sequence();
        int chunkCount = (batch.size() + CHUNK - 1) / CHUNK;
        return Multi.createFrom().range(0, chunkCount).map(chunk -> {
            IssueIdentitiesResponse.Builder b = IssueIdentitiesResponse.newBuilder()
                    .setBatchCount(batch.size()).setFirstSequence(first).setLastSequence(last);
            int end = Math.min(batch.size(), (chunk + 1) * CHUNK);
            for (int i = chunk * CHUNK; i < end; i++) {
                b.addIdentities(IdentityProtoMapper.toProto(batch.get(i)));
            }
            return b.build();
        });
    }

    @Override
    public Uni<GetIdentityResponse> getIdentity(GetIdentityRequest request) {
        return queries.get(request.getRobotId())
                .map(found -> GetIdentityResponse.newBuilder().setIdentity(IdentityProtoMapper.toProto(found)).build());
    }

    @Override
    public Uni<ListIdentitiesResponse> listIdentities(ListIdentitiesRequest request) {
        String filters = "model=" + request.getModelCode().trim().toUpperCase();
        PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filters);
        return queries.list(request.getModelCode(), page).map(result -> {
            ListIdentitiesResponse.Builder b = ListIdentitiesResponse.newBuilder();
            result.items().forEach(i -> b.addIdentities(IdentityProtoMapper.toProto(i)));
            if (result.nextCursor() != null) {
                b.setNextPageToken(PageRequest.tokenAfter(result.nextCursor(), filters));
            }
            return b.build();
        });
    }

    @Override
    @PermitAll
    public Uni<VerifyIdentityResponse> verifyIdentity(VerifyIdentityRequest request) {
        return queries.verify(request.getRobotId(), request.getCertificate()).map(IdentityGrpcService::verified);
    }

    @Override
    @PermitAll
    public Uni<VerifyIdentitiesResponse> verifyIdentities(VerifyIdentitiesRequest request) {
        return queries.verifyAll(request.getRobotIdsList()).map(all -> VerifyIdentitiesResponse.newBuilder()
                .addAllResults(all.stream().map(IdentityGrpcService::verified).toList()).build());
    }

    private static VerifyIdentityResponse verified(IdentityQueries.Verification v) {
        VerifyIdentityResponse.Builder b = VerifyIdentityResponse.newBuilder()
                .setCanonicalId(v.canonicalId())
                .setVerdict(Verdict.valueOf("VERDICT_" + v.verdict().name()))
                .setMalformedReason(v.malformedReason() == null ? "" : v.malformedReason())
                .setCertificate(CertificateCheck.valueOf("CERTIFICATE_CHECK_" + v.certificate().name()))
                .addAllSuggestions(v.suggestions());
        if (v.expectedCheckCharacter() != null) {
            b.setExpectedCheckCharacter(String.valueOf(v.expectedCheckCharacter()));
        }
        v.identity().ifPresent(record -> b.setManufacturerCode(record.manufacturerCode)
                .setModelCode(record.modelCode)
                .setIssuedAt(IdentityProtoMapper.timestamp(record.issuedAt)));
        return b.build();
    }

    @Override
    @PermitAll
    public Uni<ListSigningKeysResponse> listSigningKeys(ListSigningKeysRequest request) {
        return keys.publishedKeys().map(all -> {
            ListSigningKeysResponse.Builder b = ListSigningKeysResponse.newBuilder();
            all.forEach(key -> b.addKeys(IdentityProtoMapper.toProto(key, keys.active().keyId())));
            return b.build();
        });
    }

    @Override
    @PermitAll
    public Uni<GetHistoryReportResponse> getHistoryReport(GetHistoryReportRequest request) {
        return history.report(request.getRobotId(), RobotHistory.audience(identity, request.getShareToken()))
                .map(report -> GetHistoryReportResponse.newBuilder().setReportJson(report.toJson()).build());
    }

    @Override
    @RolesAllowed(Role.Names.OPERATOR)
    public Uni<CreateHistoryShareResponse> createHistoryShare(CreateHistoryShareRequest request) {
        return shares.create(CallerIdentity.from(identity), identity.getCredential(AccessTokenCredential.class).getToken(),
                request.getRobotId(), request.getValidForSeconds(),
                request.getRecipient()).map(created -> CreateHistoryShareResponse.newBuilder()
                        .setUrl(pages.historyShareUrl(created.robotId(), created.token()))
                        .setShareToken(created.token()).setExpiresAt(IdentityProtoMapper.timestamp(created.expiresAt()))
                        .build());
    }
}
