package io.robotid.filing.grpc;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.robotid.kit.tlog.TlogQueries;
import io.robotid.proto.tlog.v1.*;
import io.smallrye.mutiny.Uni;

/**
 * filing-service's transparency log over gRPC (robotid.tlog.v1). The log's info and consistency
 * proofs are public; a record's evidence (a registration's, a model revision's, review's or withdrawal's,
 * with the sealed record) is for those who may read that record through the filing API
 * (service/SealedRecords, the log's TlogRecords here).
 */
@GrpcService
@Authenticated
public class TlogGrpcService implements TransparencyLogService {
    @Inject
    TlogQueries log;

    @Override
    @PermitAll
    public Uni<GetLogInfoResponse> getLogInfo(GetLogInfoRequest request) {
        return log.answer(request);
    }

    @Override
    @PermitAll
    public Uni<GetConsistencyProofResponse> getConsistencyProof(GetConsistencyProofRequest request) {
        return log.answer(request);
    }

    @Override
    public Uni<GetRecordEvidenceResponse> getRecordEvidence(GetRecordEvidenceRequest request) {
        return log.answer(request);
    }
}
