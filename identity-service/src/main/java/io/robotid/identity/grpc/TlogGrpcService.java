package io.robotid.identity.grpc;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.robotid.kit.tlog.TlogQueries;
import io.robotid.proto.tlog.v1.*;
import io.smallrye.mutiny.Uni;

/**
 * identity-service's transparency log over gRPC (robotid.tlog.v1). The log's info and consistency
 * proofs are public; a record's evidence (an issued ID's, key {@code identity/<robot ID>}) is for any
 * authenticated caller, as the identities themselves are.
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
