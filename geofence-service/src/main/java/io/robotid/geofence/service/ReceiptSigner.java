package io.robotid.geofence.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.google.protobuf.ByteString;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.evidence.format.Receipts;
import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.kit.signing.SigningKeyRing;
import io.robotid.proto.geofence.v1.Receipt;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Signs receipts in batches on one thread of its own (EVIDENCE.md section 8): each signature covers the
 * root of an RFC 9162 Merkle tree
 * of every receipt that arrived while the previous batch was being signed (group commit: no timer, no
 * added wait when the load is light; bigger batches when it is heavy). Bundles are signed on the same
 * thread, one signature each. Nothing here ever runs on an event loop.
 */
@ApplicationScoped
public class ReceiptSigner {
    private static final Logger LOG = Logger.getLogger(ReceiptSigner.class);
    /** Most receipts under one signature. */
    static final int MAX_BATCH = 4096;

    private sealed interface Job {
    }

    private record ReceiptJob(byte[] payload, String inputsSha256, UniEmitter<? super Receipt> emitter) implements Job {
    }

    private record DocumentJob(byte[] document, UniEmitter<? super Signed> emitter) implements Job {
    }

    /** A document's signature and the key that made it. */
    public record Signed(String keyId, byte[] signature) {
    }

    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final SigningKeyRing keys;
    private final Clock clock;
    private Thread thread;
    private volatile boolean running;
    private volatile long batches;
    private volatile long receipts;

    public ReceiptSigner(GeofenceKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::loop, "receipt-signer");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** The receipt of a decision whose canonical text is {@code payload}. */
    public Uni<Receipt> receipt(byte[] payload, String inputsSha256) {
        return Uni.createFrom().emitter(emitter -> queue.add(new ReceiptJob(payload, inputsSha256, emitter)));
    }

    /** One signature over a whole document (a bundle). */
    public Uni<Signed> sign(byte[] document) {
        return Uni.createFrom().emitter(emitter -> queue.add(new DocumentJob(document, emitter)));
    }

    public long batches() {
        return batches;
    }

    public long receipts() {
        return receipts;
    }

    private void loop() {
        List<Job> jobs = new ArrayList<>();
        while (running) {
            try {
                Job first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                jobs.clear();
                jobs.add(first);
                queue.drainTo(jobs, MAX_BATCH - 1);
                process(jobs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "a signing batch failed");
                for (Job job : jobs) {
                    fail(job, e);
                }
            }
        }
    }

    private void process(List<Job> jobs) {
        SigningKeyRing.ActiveKey key = keys.active();
        List<ReceiptJob> receiptJobs = new ArrayList<>(jobs.size());
        for (Job job : jobs) {
            if (job instanceof ReceiptJob r) {
                receiptJobs.add(r);
            } else if (job instanceof DocumentJob d) {
                d.emitter().complete(new Signed(key.keyId(), key.sign(d.document())));
            }
        }
        if (receiptJobs.isEmpty()) {
            return;
        }
        List<byte[]> leaves = new ArrayList<>(receiptJobs.size());
        for (ReceiptJob r : receiptJobs) {
            leaves.add(MerkleTree.leafHash(r.payload()));
        }
        MerkleTree.Built tree = MerkleTree.build(leaves);
        byte[] header = Receipts.batchHeader(tree.root(), leaves.size(), clock.instant());
        ByteString signature = ByteString.copyFrom(key.sign(header));
        ByteString signedBatch = ByteString.copyFrom(header);
        for (int i = 0; i < receiptJobs.size(); i++) {
            ReceiptJob r = receiptJobs.get(i);
            Receipt.Builder receipt = Receipt.newBuilder().setKeyId(key.keyId()).setPayload(ByteString.copyFrom(r.payload()))
                    .setInputsSha256(r.inputsSha256()).setLeafIndex(i).setBatchSize(leaves.size())
                    .setSignedBatch(signedBatch).setSignature(signature);
            for (byte[] node : tree.auditPaths().get(i)) {
                receipt.addAuditPath(ByteString.copyFrom(node));
            }
            r.emitter().complete(receipt.build());
        }
        batches++;
        receipts += receiptJobs.size();
    }

    private static void fail(Job job, Throwable failure) {
        if (job instanceof ReceiptJob r) {
            r.emitter().fail(failure);
        } else if (job instanceof DocumentJob d) {
            d.emitter().fail(failure);
        }
    }
}
