package io.robotid.kit.tlog;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;

import com.google.protobuf.ByteString;

import io.quarkus.grpc.GrpcService;
import io.quarkus.security.Authenticated;
import io.robotid.proto.tlog.v1.GetConsistencyProofRequest;
import io.robotid.proto.tlog.v1.GetConsistencyProofResponse;
import io.robotid.proto.tlog.v1.GetLogInfoRequest;
import io.robotid.proto.tlog.v1.GetLogInfoResponse;
import io.robotid.proto.tlog.v1.GetRecordEvidenceRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.robotid.proto.tlog.v1.TransparencyLogService;
import io.smallrye.mutiny.Uni;

/**
 * Every service's transparency log over gRPC (robotid.tlog.v1), served alike by each (it was written five
 * times). The log's info and consistency proofs are public. A record's evidence (its entry, salt, leaf and
 * proof) is for any authenticated caller, as the records' hashes are; the sealed record itself comes with
 * it only where the service shows that record to the caller, through its {@link TlogRecords} (filing's
 * registrations and model revisions, certification's test results and certificates).
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
