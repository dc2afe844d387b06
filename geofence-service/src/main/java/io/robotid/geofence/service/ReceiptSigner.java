package io.robotid.geofence.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;

import io.robotid.evidence.format.Receipts;
import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.kit.signing.SigningKeyRing;
import io.robotid.proto.geofence.v1.Receipt;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Signs receipts in batches (EVIDENCE.md section 8), on the event loop that decided them: the receipts an
 * event loop produces while it runs its current tasks join one batch, which it signs right after them,
 * with one Ed25519 signature over the root of an RFC 9162 Merkle tree of the batch; each receipt carries
 * its audit path. No thread hop, no timer and no added wait: under light load a batch is one receipt,
 * under heavy load batches grow and the signing cost per answer falls. (Ed25519 from BouncyCastle signs
 * in about 60 microseconds here.) Off an event loop (tests, tools) a receipt is signed alone, at once.
 */
@ApplicationScoped
public class ReceiptSigner {
    private static final Logger LOG = Logger.getLogger(ReceiptSigner.class);
    /** Most receipts under one signature. */
    static final int MAX_BATCH = 4096;

    private record Pending(byte[] payload, String inputsSha256, UniEmitter<? super Receipt> emitter) {
    }

    /** The batch each event loop is filling; touched only by its own thread. */
    private final ThreadLocal<List<Pending>> filling = ThreadLocal.withInitial(ArrayList::new);

    /** A document's signature and the key that made it. */
    public record Signed(String keyId, byte[] signature) {
    }

    private final SigningKeyRing keys;
    private final Clock clock;
    private final ReceiptBatchLog batchLog;
    private final LongAdder batches = new LongAdder();
    private final LongAdder receipts = new LongAdder();

    /** {@code robotid_receipts_batch_size_receipts}: receipts per signature. */
    private final DistributionSummary batchSizes;

    public ReceiptSigner(GeofenceKeys keys, Clock clock, ReceiptBatchLog batchLog, MeterRegistry meters) {
        this.keys = keys;
        this.clock = clock;
        this.batchLog = batchLog;
        this.batchSizes = DistributionSummary.builder("robotid.receipts.batch.size").baseUnit("receipts")
                .description("Receipts signed with one signature (one batch)").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue((double) MAX_BATCH).register(meters);
        FunctionCounter.builder("robotid.receipts.signed", receipts, LongAdder::sum)
                .description("Receipts signed").register(meters);
    }

    /** The receipt of a decision whose canonical record is {@code payload}. */
    public Uni<Receipt> receipt(byte[] payload, String inputsSha256) {
        Context context = Vertx.currentContext();
        if (context == null || !Context.isOnEventLoopThread()) {
            return Uni.createFrom().emitter(emitter -> sign(List.of(new Pending(payload, inputsSha256, emitter))));
        }
        return Uni.createFrom().emitter(emitter -> {
            List<Pending> batch = filling.get();
            batch.add(new Pending(payload, inputsSha256, emitter));
            if (batch.size() == 1) {
                // the first receipt of a batch: sign once this loop has run what is already queued on it
                context.runOnContext(ignored -> flush());
            } else if (batch.size() >= MAX_BATCH) {
                flush();
            }
        });
    }

    /** One signature over a whole document (a bundle), made at once. */
    public Uni<Signed> sign(byte[] document) {
        return Uni.createFrom().item(() -> {
            SigningKeyRing.ActiveKey key = keys.active();
            return new Signed(key.keyId(), key.sign(document));
        });
    }

    public long batches() {
        return batches.sum();
    }

    public long receipts() {
        return receipts.sum();
    }

    private void flush() {
        List<Pending> batch = filling.get();
        if (batch.isEmpty()) {
            return;
        }
        filling.set(new ArrayList<>());
        sign(batch);
    }

    private void sign(List<Pending> batch) {
        try {
            SigningKeyRing.ActiveKey key = keys.active();
            List<byte[]> leaves = new ArrayList<>(batch.size());
            for (Pending r : batch) {
                leaves.add(MerkleTree.leafHash(r.payload()));
            }
            MerkleTree.Built tree = MerkleTree.build(leaves);
            byte[] header = Receipts.batchHeader(tree.root(), leaves.size(), clock.instant());
            ByteString signature = ByteString.copyFrom(key.sign(header));
            batchLog.add(header);
            ByteString signedBatch = ByteString.copyFrom(header);
            for (int i = 0; i < batch.size(); i++) {
                Pending r = batch.get(i);
                Receipt.Builder receipt = Receipt.newBuilder().setKeyId(key.keyId()).setPayload(ByteString.copyFrom(r.payload()))
                        .setInputsSha256(r.inputsSha256()).setLeafIndex(i).setBatchSize(leaves.size())
                        .setSignedBatch(signedBatch).setSignature(signature);
                for (byte[] node : tree.auditPaths().get(i)) {
                    receipt.addAuditPath(ByteString.copyFrom(node));
                }
                r.emitter().complete(receipt.build());
            }
            batches.increment();
            receipts.add(batch.size());
            batchSizes.record(batch.size());
        } catch (RuntimeException e) {
            LOG.errorf(e, "a receipt batch of %d could not be signed", batch.size());
            batch.forEach(r -> r.emitter().fail(e));
        }
    }
}
