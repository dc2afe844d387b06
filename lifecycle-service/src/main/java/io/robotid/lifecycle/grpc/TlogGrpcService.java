package io.robotid.lifecycle.grpc;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.robotid.kit.tlog.TlogQueries;
import io.robotid.proto.tlog.v1.*;
import io.smallrye.mutiny.Uni;

/**
 * lifecycle-service's transparency log over gRPC (robotid.tlog.v1). The log's info and consistency
 * proofs are public; a record's evidence is for any authenticated caller, like the events themselves
 * (whose hashes every reader of ListEvents sees).
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
