package io.robotid.geofence.grpc;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.robotid.kit.tlog.TlogQueries;
import io.robotid.proto.tlog.v1.*;
import io.smallrye.mutiny.Uni;

/**
 * geofence-service's transparency log over gRPC (robotid.tlog.v1). The log's info and consistency
 * proofs are public; a record's evidence (a policy change's, {@code policy/<seq>}, or a receipt batch's,
 * {@code receipt-batch/<SHA-256 of its header>}) is for any authenticated caller: a receipt's holder
 * proves with it that the batch its receipt was signed in is in the log.
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
