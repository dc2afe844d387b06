package io.robotid.filing.grpc;

import java.time.Clock;
import java.util.function.Function;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.filing.service.ManufacturerService;
import io.robotid.filing.service.ModelFilingService;
import io.robotid.filing.service.ModelFilingService.Decision;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.idempotency.IdempotentWrites;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.proto.filing.v1.*;
import io.smallrye.mutiny.Uni;

/**
 * The gRPC face of filing-service: proto in, domain call, proto out, errors mapped here, outside
 * the transaction. Roles are checked by annotation; organisation binding by the services.
 */
@GrpcService
@Authenticated
public class FilingGrpcService implements FilingService {

    private final ManufacturerService manufacturers;
    private final ModelFilingService filings;
    private final IdempotentWrites writes;
    private final SecurityIdentity identity;
    private final Clock clock;

    @Inject
    public FilingGrpcService(ManufacturerService manufacturers, ModelFilingService filings, IdempotentWrites writes,
            SecurityIdentity identity, Clock clock) {
        this.manufacturers = manufacturers;
        this.filings = filings;
        this.writes = writes;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    @RolesAllowed(Role.Names.REGULATOR)
    public Uni<RegisterManufacturerResponse> registerManufacturer(RegisterManufacturerRequest request) {
        return write("RegisterManufacturer", request.getRequestId(), request, RegisterManufacturerResponse.parser(),
                context -> manufacturers.register(context, new ManufacturerService.NewManufacturer(
                        request.getLegalName(), request.getCountry(), request.getRegistrationNumber(),
                        FilingProtoMapper.fromProto(request.getContactsList())))
                        .map(view -> RegisterManufacturerResponse.newBuilder()
                                .setManufacturer(FilingProtoMapper.toProto(view)).build()));
    }

    @Override
    public Uni<GetManufacturerResponse> getManufacturer(GetManufacturerRequest request) {
        return manufacturers.get(request.getCode())
                .map(view -> GetManufacturerResponse.newBuilder().setManufacturer(FilingProtoMapper.toProto(view))
                        .build());
    }

    @Override
    public Uni<ListManufacturersResponse> listManufacturers(ListManufacturersRequest request) {
        String filters = "country=" + request.getCountry().trim().toUpperCase();
        PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filters);
        return manufacturers.list(request.getCountry(), page).map(result -> {
            ListManufacturersResponse.Builder b = ListManufacturersResponse.newBuilder();
            result.items().forEach(view -> b.addManufacturers(FilingProtoMapper.toProto(view)));
            if (result.nextCursor() != null) {
                b.setNextPageToken(PageRequest.tokenAfter(result.nextCursor(), filters));
            }
            return b.build();
        });
    }

    @Override
    @RolesAllowed(Role.Names.MANUFACTURER)
    public Uni<RegisterProductionSiteResponse> registerProductionSite(RegisterProductionSiteRequest request) {
        return write("RegisterProductionSite", request.getRequestId(), request,
                RegisterProductionSiteResponse.parser(),
                context -> manufacturers.registerSite(context, new ManufacturerService.NewSite(
                        request.getManufacturerCode(), request.getName(), request.getAddress(), request.getCountry()))
                        .map(site -> RegisterProductionSiteResponse.newBuilder()
                                .setSite(FilingProtoMapper.toProto(site)).build()));
    }

    @Override
    public Uni<GetProductionSiteResponse> getProductionSite(GetProductionSiteRequest request) {
        return manufacturers.getSite(request.getManufacturerCode(), request.getSiteCode())
                .map(site -> GetProductionSiteResponse.newBuilder().setSite(FilingProtoMapper.toProto(site)).build());
    }

    @Override
    public Uni<ListProductionSitesResponse> listProductionSites(ListProductionSitesRequest request) {
        String filters = "manufacturer=" + request.getManufacturerCode().trim().toUpperCase();
        PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filters);
        return manufacturers.listSites(request.getManufacturerCode(), page).map(result -> {
            ListProductionSitesResponse.Builder b = ListProductionSitesResponse.newBuilder();
            result.items().forEach(site -> b.addSites(FilingProtoMapper.toProto(site)));
            if (result.nextCursor() != null) {
                b.setNextPageToken(PageRequest.tokenAfter(result.nextCursor(), filters));
            }
            return b.build();
        });
    }

    @Override
    @RolesAllowed(Role.Names.MANUFACTURER)
    public Uni<SubmitModelFilingResponse> submitModelFiling(SubmitModelFilingRequest request) {
        return write("SubmitModelFiling", request.getRequestId(), request, SubmitModelFilingResponse.parser(),
                context -> filings.submit(context, request.getManufacturerCode(), request.getSpecification(),
                        request.hasSpecification())
                        .map(view -> SubmitModelFilingResponse.newBuilder().setFiling(FilingProtoMapper.toProto(view))
                                .build()));
    }

    @Override
    @RolesAllowed(Role.Names.REGULATOR)
    public Uni<ReviewModelFilingResponse> reviewModelFiling(ReviewModelFilingRequest request) {
        Decision decision = switch (request.getDecision()) {
            case REVIEW_DECISION_ACCEPT -> Decision.ACCEPT;
            case REVIEW_DECISION_REJECT -> Decision.REJECT;
            case REVIEW_DECISION_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        return write("ReviewModelFiling", request.getRequestId(), request, ReviewModelFilingResponse.parser(),
                context -> filings.review(context, request.getFilingId(), request.getRevision(), decision,
                        request.getReason())
                        .map(view -> ReviewModelFilingResponse.newBuilder().setFiling(FilingProtoMapper.toProto(view))
                                .build()));
    }

    @Override
    @RolesAllowed(Role.Names.MANUFACTURER)
    public Uni<AmendModelFilingResponse> amendModelFiling(AmendModelFilingRequest request) {
        return write("AmendModelFiling", request.getRequestId(), request, AmendModelFilingResponse.parser(),
                context -> filings.amend(context, request.getFilingId(), request.getReason(),
                        request.getSpecification(), request.hasSpecification())
                        .map(amendment -> AmendModelFilingResponse.newBuilder()
                                .setFiling(FilingProtoMapper.toProto(amendment.filing()))
                                .setRevision(FilingProtoMapper.toProto(amendment.revision()))
                                .build()));
    }

    @Override
    @RolesAllowed({ Role.Names.MANUFACTURER, Role.Names.REGULATOR })
    public Uni<WithdrawModelResponse> withdrawModel(WithdrawModelRequest request) {
        return write("WithdrawModel", request.getRequestId(), request, WithdrawModelResponse.parser(),
                context -> filings.withdraw(context, request.getFilingId(), request.getReason())
                        .map(view -> WithdrawModelResponse.newBuilder().setFiling(FilingProtoMapper.toProto(view))
                                .build()));
    }

    @Override
    public Uni<GetModelResponse> getModel(GetModelRequest request) {
        CallerIdentity caller = caller();
        Uni<ModelFilingService.FilingView> found = switch (request.getKeyCase()) {
            case MODEL_CODE -> filings.getByModelCode(caller, request.getModelCode());
            case FILING_ID, KEY_NOT_SET -> filings.getByFilingId(caller, request.getFilingId());
        };
        return found.map(view -> GetModelResponse.newBuilder().setFiling(FilingProtoMapper.toProto(view)).build());
    }

    @Override
    public Uni<ListModelsResponse> listModels(ListModelsRequest request) {
        ModelFilingService.ListFilter filter = new ModelFilingService.ListFilter(request.getManufacturerCode(),
                FilingProtoMapper.fromProto(request.getStatus()), request.getFamily(),
                FilingProtoMapper.fromProto(request.getIntelligenceLevel()));
        String filters = filter.toString();
        PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filters);
        return filings.list(caller(), filter, page).map(result -> {
            ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
            result.items().forEach(view -> b.addFilings(FilingProtoMapper.toProto(view)));
            if (result.nextCursor() != null) {
                b.setNextPageToken(PageRequest.tokenAfter(result.nextCursor(), filters));
            }
            return b.build();
        });
    }

    @Override
    public Uni<ListModelRevisionsResponse> listModelRevisions(ListModelRevisionsRequest request) {
        return filings.history(caller(), request.getFilingId()).map(revisions -> {
            ListModelRevisionsResponse.Builder b = ListModelRevisionsResponse.newBuilder();
            revisions.forEach(r -> b.addRevisions(FilingProtoMapper.toProto(r)));
            return b.build();
        });
    }

    private CallerIdentity caller() {
        return CallerIdentity.from(identity);
    }

    /** A mutating call: idempotent by request_id and audited, in one transaction with the write. */
    private <R extends Message> Uni<R> write(String operation, String requestId, Message request, Parser<R> parser,
            Function<WriteContext, Uni<R>> work) {
        return Uni.createFrom().deferred(() -> {
            WriteContext context = WriteContext.of(caller(), requestId, operation, clock);
            return writes.execute(context, request, parser, () -> work.apply(context));
        });
    }

}
