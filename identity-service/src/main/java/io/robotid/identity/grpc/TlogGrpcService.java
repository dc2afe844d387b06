package io.robotid.identity.grpc;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;

import com.google.protobuf.ByteString;

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
        return log.info().map(i -> GetLogInfoResponse.newBuilder().setOrigin(i.origin()).setVkey(i.vkey())
                .setCheckpoint(i.checkpoint().orElse("")).setSize(i.size()).build());
    }

    @Override
    @PermitAll
    public Uni<GetConsistencyProofResponse> getConsistencyProof(GetConsistencyProofRequest request) {
        return log.consistencyProof(request.getOldSize(), request.getNewSize()).map(proof -> GetConsistencyProofResponse
                .newBuilder().addAllProof(proof.stream().map(ByteString::copyFrom).toList()).build());
    }

    @Override
    public Uni<GetRecordEvidenceResponse> getRecordEvidence(GetRecordEvidenceRequest request) {
        return log.evidence(request.getRecordKey()).map(e -> GetRecordEvidenceResponse.newBuilder().setKind(e.kind())
                .setRecordKey(e.recordKey()).setSalt(ByteString.copyFrom(e.salt()))
                .setRecordHash(ByteString.copyFrom(e.recordHash())).setEntry(ByteString.copyFrom(e.entry()))
                .setLeafIndex(e.leafIndex()).setTlogProof(e.tlogProof())
                .setRecord(e.record() == null ? ByteString.EMPTY : ByteString.copyFrom(e.record())).build());
    }
}
