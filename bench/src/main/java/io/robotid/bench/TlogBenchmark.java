package io.robotid.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.Proofs;
import io.robotid.evidence.tlog.SignedNote;
import io.robotid.evidence.tlog.TileClient;
import io.robotid.evidence.tlog.TlogProof;

/**
 * The transparency log's own figures against the local run's lifecycle-service (bench/tlog.sh): how
 * fast its integrator takes a backlog of pending leaves (watched from outside, in the database, while
 * it works), what a proof weighs, and what the log stores per million leaves.
 *
 * <p>{@code tlog [--jdbc URL] [--log http://127.0.0.1:8103/tlog] [--off EVENTS_PER_S] [--on EVENTS_PER_S]}
 */
public class TlogBenchmark {

    public int run(Map<String, String> options) throws Exception {
        String jdbc = options.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/robotid_lifecycle?user=postgres");
        String log = options.getOrDefault("log", "http://127.0.0.1:8103/tlog");
        try (Connection db = DriverManager.getConnection(jdbc)) {
            // 1. integration of a backlog: pending leaves watched until none is left
            long backlog = pending(db);
            long waited = System.nanoTime();
            // from the first batch committed (the services are starting): the rest is integration alone
            long first = backlog;
            while (first == backlog && backlog > 0 && System.nanoTime() - waited < 120_000_000_000L) {
                Thread.sleep(5);
                first = pending(db);
            }
            long start = System.nanoTime();
            long last = first;
            while (last > 0 && System.nanoTime() - start < 600_000_000_000L) {
                Thread.sleep(5);
                last = pending(db);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("backlog: %,d leaves appended while the integrators were paused%n", backlog);
            if (first > 0) {
                System.out.printf("integration: %,d pending leaves integrated (with a signed checkpoint per batch) in %.2f s = %,.0f leaves/s"
                        + "   (target >= 20,000)%n", first - last, seconds, (first - last) / seconds);
            } else {
                System.out.println("integration: no pending leaves to watch (the integrator was faster than the first look)");
            }
            // 2. storage per leaf and per million leaves
            long leaves = scalar(db, "select count(*) from tlog_leaf");
            long leafBytes = scalar(db, "select pg_total_relation_size('tlog_leaf')");
            long tileBytes = scalar(db, "select pg_total_relation_size('tlog_tile')");
            long tileData = scalar(db, "select coalesce(sum(length(hashes)), 0) from tlog_tile");
            long checkpointBytes = scalar(db, "select pg_total_relation_size('tlog_checkpoint')");
            long checkpoints = scalar(db, "select count(*) from tlog_checkpoint");
            System.out.printf("storage for %,d leaves: leaves %,d B (%.0f B/leaf), tiles %,d B on disk (%,d B of hashes), "
                    + "%,d checkpoints %,d B%n", leaves, leafBytes, leafBytes / (double) leaves, tileBytes, tileData, checkpoints,
                    checkpointBytes);
            System.out.printf("per million leaves: leaves %.1f MB, tiles %.1f MB (tlog-tiles' own size: %.1f MB)%n",
                    leafBytes * 1e6 / leaves / 1e6, tileBytes * 1e6 / leaves / 1e6, 32.0 * (1 + 1.0 / 255) * 1e6 / 1e6);
        }
        // 3. proof sizes, computed from the served tiles as any verifier would
        String note = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(log + "/checkpoint")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        long size = Checkpoint.parse(SignedNote.parse(note).text()).size();
        TileClient tiles = new TileClient(log, size);
        List<byte[]> inclusion = Proofs.inclusionProof(tiles, size / 3, size);
        List<byte[]> consistency = Proofs.consistencyProof(tiles, size / 2, size);
        String proof = new TlogProof(new byte[71], size / 3, inclusion, note).format();
        System.out.printf("proofs at %,d leaves: inclusion %d hashes (%,d B), consistency from half %d hashes (%,d B), "
                + "a whole tlog-proof with the cosigned checkpoint %,d B; at 1,000,000 leaves an inclusion proof is %d hashes "
                + "(%,d B)%n", size, inclusion.size(), inclusion.size() * 32, consistency.size(), consistency.size() * 32,
                proof.length(), 20, 20 * 32);
        if (options.containsKey("off") && options.containsKey("on")) {
            double off = Double.parseDouble(options.get("off"));
            double on = Double.parseDouble(options.get("on"));
            System.out.printf("RecordEvents with the log on / off: %,.0f / %,.0f events/s = %.2f   (target >= 0.9)%n", on, off, on / off);
        }
        return 0;
    }

    private static long pending(Connection db) throws Exception {
        return scalar(db, "select count(*) from tlog_leaf where leaf_index is null");
    }

    private static long scalar(Connection db, String sql) throws Exception {
        try (ResultSet r = db.createStatement().executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
