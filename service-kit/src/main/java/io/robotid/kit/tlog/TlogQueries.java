package io.robotid.kit.tlog;

import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.SignedNote;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.tlog.v1.GetConsistencyProofRequest;
import io.robotid.proto.tlog.v1.GetConsistencyProofResponse;
import io.robotid.proto.tlog.v1.GetLogInfoRequest;
import io.robotid.proto.tlog.v1.GetLogInfoResponse;
import io.robotid.proto.tlog.v1.GetRecordEvidenceRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.smallrye.mutiny.Uni;

import com.google.protobuf.ByteString;

/**
 * What the {@code robotid.tlog.v1.TransparencyLogService} adapters of every service ask, with the
 * input checked: the served checkpoint, consistency proofs between served sizes, a record's evidence.
 * Who may ask for a record is the service's business: its adapter's annotations, and its {@link TlogRecords}.
 */
@Singleton
public class TlogQueries {
    /** Longest record key accepted. */
    static final int MAX_RECORD_KEY = 200;

    @Inject
    TransparencyLog log;
    @Inject
    jakarta.enterprise.inject.Instance<TlogRecords> records;

    /** The log's description: origin, vkey, served checkpoint and its size. */
    public record Info(String origin, String vkey, Optional<String> checkpoint, long size) {
    }

    public Uni<Info> info() {
        requireEnabled();
        return log.servedCheckpoint().map(note -> new Info(log.origin(), log.verifierKey().vkey(), note,
                note.map(TlogQueries::size).orElse(0L)));
    }

    public Uni<List<byte[]>> consistencyProof(long oldSize, long newSize) {
        requireEnabled();
        return log.servedCheckpoint().chain(note -> {
            long served = note.map(TlogQueries::size).orElse(0L);
            Violations v = new Violations();
            v.between("old_size", oldSize, 0, Math.max(0, newSize));
            v.between("new_size", newSize, 0, served);
            v.throwIfAny();
            return log.consistencyProof(oldSize, newSize);
        });
    }

    public Uni<TransparencyLog.RecordEvidence> evidence(String recordKey) {
        requireEnabled();
        Violations v = new Violations();
        String key = v.requiredText("record_key", recordKey, MAX_RECORD_KEY);
        v.throwIfAny();
        // the service's own rule first: a record the caller may not know of is NOT_FOUND, leaf or not
        Uni<Optional<byte[]>> record = records.isResolvable() ? records.get().record(key)
                : Uni.createFrom().item(Optional.empty());
        return record.chain(bytes -> log.evidence(key).map(found -> found.map(e -> e.withRecord(bytes.orElse(null)))
                .orElseThrow(() -> DomainException.notFound("log record", key))));
    }

    private void requireEnabled() {
        if (!log.enabled()) {
            throw DomainException.failedPrecondition("LOG_DISABLED", "this service's transparency log is off "
                    + "(robotid.tlog.enabled=false)", java.util.Map.of());
        }
    }

    static long size(String note) {
        return Checkpoint.parse(SignedNote.parse(note).text()).size();
    }

    // ------------------------------------------------------------------------- robotid.tlog.v1, as answered
    // The five services' TransparencyLogService adapters keep only their access rules (annotations); what
    // they answer is written once here. Not a @GrpcService itself: the kit's beans must not register a gRPC
    // service in every application that has the kit on its class path (bench does, without the kit's beans).

    public Uni<GetLogInfoResponse> answer(GetLogInfoRequest request) {
        return info().map(i -> GetLogInfoResponse.newBuilder().setOrigin(i.origin()).setVkey(i.vkey())
                .setCheckpoint(i.checkpoint().orElse("")).setSize(i.size()).build());
    }

    public Uni<GetConsistencyProofResponse> answer(GetConsistencyProofRequest request) {
        return consistencyProof(request.getOldSize(), request.getNewSize()).map(proof -> GetConsistencyProofResponse
                .newBuilder().addAllProof(proof.stream().map(ByteString::copyFrom).toList()).build());
    }

    public Uni<GetRecordEvidenceResponse> answer(GetRecordEvidenceRequest request) {
        return evidence(request.getRecordKey()).map(e -> GetRecordEvidenceResponse.newBuilder().setKind(e.kind())
                .setRecordKey(e.recordKey()).setSalt(ByteString.copyFrom(e.salt()))
                .setRecordHash(ByteString.copyFrom(e.recordHash())).setEntry(ByteString.copyFrom(e.entry()))
                .setLeafIndex(e.leafIndex()).setTlogProof(e.tlogProof())
                .setRecord(e.record() == null ? ByteString.EMPTY : ByteString.copyFrom(e.record())).build());
    }
}
