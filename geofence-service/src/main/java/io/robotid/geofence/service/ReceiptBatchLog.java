package io.robotid.geofence.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.codec.Sha256;
import io.robotid.kit.tlog.TransparencyLog;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Commits the header of every signed receipt batch (EVIDENCE.md 8.1: its Merkle root, size and time) to
 * geofence-service's transparency log, as kind {@code receipt-batch} under
 * {@code receipt-batch/<SHA-256 of the header, hex>}. Checks never wait for it: headers are queued as
 * they are signed and written together every quarter second, off the check path. A crash can lose the
 * headers of its last quarter second (their receipts stay valid by their signature).
 */
@ApplicationScoped
public class ReceiptBatchLog {
    private static final Logger LOG = Logger.getLogger(ReceiptBatchLog.class);
    public static final String KIND = "receipt-batch";
    private static final int MAX_PER_WRITE = 10_000;

    private final ConcurrentLinkedQueue<byte[]> headers = new ConcurrentLinkedQueue<>();
    private final TransparencyLog log;
    private final Pool database;
    private final Vertx vertx;
    private long timer = -1;

    public ReceiptBatchLog(TransparencyLog log, Pool database, Vertx vertx) {
        this.log = log;
        this.database = database;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (log.enabled()) {
            timer = vertx.setPeriodic(250, id -> flush());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Queues a signed batch's header (called by the signer, on its event loop: no waiting). */
    void add(byte[] header) {
        if (log.enabled()) {
            headers.add(header);
        }
    }

    public static String key(byte[] header) {
        return KIND + "/" + Hex.of(Sha256.of(header));
    }

    private void flush() {
        List<TransparencyLog.Leaf> leaves = new ArrayList<>();
        byte[] header;
        while (leaves.size() < MAX_PER_WRITE && (header = headers.poll()) != null) {
            leaves.add(new TransparencyLog.Leaf(KIND, key(header), Sha256.of(header)));
        }
        if (leaves.isEmpty()) {
            return;
        }
        database.withTransaction(c -> log.appendAll(c, leaves)).subscribe().with(ignored -> {
        }, failure -> LOG.warnf("%d receipt batch headers could not be logged: %s", leaves.size(), failure.toString()));
    }
}
