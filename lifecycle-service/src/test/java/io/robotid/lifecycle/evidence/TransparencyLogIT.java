package io.robotid.lifecycle.evidence;

import static io.robotid.lifecycle.support.Fleet.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.evidence.codec.Hex;
import io.robotid.evidence.format.LogEntries;
import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.evidence.tlog.AddCheckpoint;
import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.Proofs;
import io.robotid.evidence.tlog.RecordProofs;
import io.robotid.evidence.tlog.SignedNote;
import io.robotid.evidence.tlog.TileClient;
import io.robotid.evidence.tlog.Tiles;
import io.robotid.evidence.tlog.TlogCommand;
import io.robotid.evidence.tlog.TlogProof;
import io.robotid.evidence.tlog.WitnessPolicy;
import io.robotid.lifecycle.support.Fleet;
import io.robotid.lifecycle.support.Witnesses;
import io.robotid.proto.lifecycle.v1.RecordEventResponse;
import io.robotid.proto.tlog.v1.GetConsistencyProofRequest;
import io.robotid.proto.tlog.v1.GetLogInfoRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.robotid.testkit.Tokens;
import io.robotid.testkit.WitnessProcess;

/**
 * lifecycle-service's transparency log with three real witness processes (quorum two): every event is
 * provable under a cosigned checkpoint within two seconds; checkpoint and tiles are served as
 * tlog-tiles says; rows changed in PostgreSQL are caught; a witness down, then two, then back; a split
 * view and the operator's rewrite of history and tree are refused by the witnesses and caught by the
 * verifier.
 */
@QuarkusTest
@TestProfile(TransparencyLogIT.WithWitnesses.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TransparencyLogIT {
    /** The module's registry processes, and the witnesses with the log's policy (a restart of its own). */
    public static class WithWitnesses implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Witnesses.class));
        }
    }

    static final String LOG_URL = "http://127.0.0.1:" + Fleet.LIFECYCLE_PORT + "/tlog";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static Fleet fleet;
    static String maker;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @BeforeAll
    static void setUp() {
        fleet = new Fleet().issue(12);
        maker = Tokens.manufacturer(fleet.manufacturerCode);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        fleet.close();
    }

    static WitnessPolicy policy() {
        return Witnesses.policy;
    }

    static RecordEventResponse record(String robot, io.robotid.proto.lifecycle.v1.EventPayload payload) {
        return fleet.as(maker).recordEvent(event(robot, payload).build());
    }

    /** The robot deployed by its owner (org-a bought every robot in the first test). */
    static RecordEventResponse deploy(String robot) {
        return fleet.as(Tokens.token("op-a", "OPERATOR", "org_id", "org-a")).recordEvent(event(robot, deployed("org-a")).build());
    }

    static String key(RecordEventResponse r) {
        return "event/" + r.getEvent().getRobotId() + "/" + r.getEvent().getSequence();
    }

    /** Waits until the record is provable under a served checkpoint; the evidence. */
    static GetRecordEvidenceResponse awaitEvidence(String key, Duration within) {
        long until = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                return fleet.log(Tokens.auditor()).getRecordEvidence(GetRecordEvidenceRequest.newBuilder().setRecordKey(key).build());
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND || System.nanoTime() > until) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static RecordProofs.Proven verify(GetRecordEvidenceResponse e, byte[] recordHash) {
        return RecordProofs.verify(policy(), e.getTlogProof(), "lifecycle-event", e.getSalt().toByteArray(), recordHash);
    }

    static String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(LOG_URL + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    @Order(1)
    void everyEventIsProvableUnderACosignedCheckpointWithinTwoSeconds() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (String robot : fleet.robots) {
            for (var payload : List.of(produced(), sold("org-a"))) {
                long start = System.nanoTime();
                RecordEventResponse written = record(robot, payload);
                GetRecordEvidenceResponse evidence = awaitEvidence(key(written), Duration.ofSeconds(10));
                millis.add((System.nanoTime() - start) / 1_000_000);
                byte[] hash = Hex.parse(written.getEvent().getHash());
                assertThat(evidence.getRecordHash().toByteArray()).isEqualTo(hash);
                RecordProofs.Proven proven = verify(evidence, hash);
                assertThat(proven.origin()).isEqualTo(Witnesses.ORIGIN);
                assertThat(proven.checkpoint().cosignedAt()).hasSizeGreaterThanOrEqualTo(2);
            }
        }
        Collections.sort(millis);
        long p50 = millis.get(millis.size() / 2);
        long p99 = millis.get((int) Math.ceil(millis.size() * 0.99) - 1);
        System.out.printf("transparency log: write to cosigned inclusion proof over %d events: p50 %d ms, p99 %d ms, max %d ms%n",
                millis.size(), p50, p99, millis.get(millis.size() - 1));
        assertThat(p99).as("p99 milliseconds from a write to its cosigned inclusion proof").isLessThan(2000);
    }

    @Test
    @Order(2)
    void checkpointAndTilesAreServedAsTlogTilesSays() throws Exception {
        String checkpoint = get("/checkpoint");
        WitnessPolicy.Verified v = policy().verify(checkpoint);
        long size = v.checkpoint().size();
        assertThat(size).isGreaterThanOrEqualTo(24);
        TileClient tiles = new TileClient(LOG_URL, size);
        assertThat(Proofs.rootHash(tiles, size)).isEqualTo(v.checkpoint().rootHash());
        List<byte[]> entries = tiles.entries(0);
        assertThat(entries).hasSize(Tiles.widthAt(0, 0, size));
        for (int i = 0; i < entries.size(); i++) {
            assertThat(LogEntries.leafHash(entries.get(i))).isEqualTo(tiles.hash(0, i));
            assertThat(LogEntries.decode(entries.get(i)).kind()).isEqualTo("lifecycle-event");
        }
        HttpResponse<byte[]> tile = HTTP.send(HttpRequest.newBuilder(URI.create(LOG_URL + "/" + new Tiles.Tile(0, 0,
                Tiles.widthAt(0, 0, size)).path())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tile.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(tile.headers().firstValue("Content-Type")).contains("application/octet-stream");
        for (String bad : List.of("/tile/64/000", "/tile/0/1", "/tile/0/x000/001", "/tile/0/000.p/0", "/tile/entries/000.p/256")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(LOG_URL + bad)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).startsWith("tile path:");
        }
        for (String absent : List.of("/tile/0/999", "/tile/3/000.p/1", "/tile/entries/x001/000")) {
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(LOG_URL + absent)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as(absent).isEqualTo(404);
        }
        // the gRPC face: info and a consistency proof between two served sizes
        var info = fleet.log(null).getLogInfo(GetLogInfoRequest.getDefaultInstance());
        assertThat(info.getOrigin()).isEqualTo(Witnesses.ORIGIN);
        assertThat(info.getVkey()).isEqualTo(Witnesses.logKey.verifierKey().vkey());
        var proof = fleet.log(null).getConsistencyProof(GetConsistencyProofRequest.newBuilder().setOldSize(5).setNewSize(size).build());
        Proofs.verifyConsistency(5, MerkleTree.root(hashes(tiles, 5)), size, v.checkpoint().rootHash(),
                proof.getProofList().stream().map(b -> b.toByteArray()).toList());
        assertThatThrownBy(() -> fleet.log(null).getConsistencyProof(GetConsistencyProofRequest.newBuilder().setOldSize(5)
                .setNewSize(size + 1_000_000).build())).hasMessageContaining("new_size");
        assertThatThrownBy(() -> fleet.log(null).getConsistencyProof(GetConsistencyProofRequest.newBuilder().setOldSize(-1)
                .setNewSize(size).build())).hasMessageContaining("old_size");
        assertThatThrownBy(() -> fleet.log(Tokens.auditor()).getRecordEvidence(GetRecordEvidenceRequest.newBuilder()
                .setRecordKey("").build())).hasMessageContaining("record_key");
        assertThatThrownBy(() -> fleet.log(Tokens.auditor()).getRecordEvidence(GetRecordEvidenceRequest.newBuilder()
                .setRecordKey("event/none/1").build())).extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThatThrownBy(() -> fleet.log(null).getRecordEvidence(GetRecordEvidenceRequest.newBuilder()
                .setRecordKey("event/none/1").build())).extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        // the offline command on the same checkpoint, and on a proof
        java.nio.file.Path dir = Witnesses.DIRECTORY;
        java.nio.file.Files.writeString(dir.resolve("checkpoint"), checkpoint);
        assertThat(command("checkpoint", "--policy", dir.resolve("tlog-policy").toString(), dir.resolve("checkpoint").toString()))
                .startsWith("OK: " + Witnesses.ORIGIN);
    }

    static List<byte[]> hashes(TileClient tiles, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(tiles.hash(0, i));
        }
        return out;
    }

    static String command(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        TlogCommand.run(args, new java.io.PrintStream(out, true), System.err);
        return out.toString();
    }

    @Test
    @Order(3)
    void rowsChangedInPostgresqlAreCaughtByTheVerifier() throws Exception {
        RecordEventResponse written = deploy(fleet.robots.get(0));
        String key = key(written);
        byte[] hash = Hex.parse(written.getEvent().getHash());
        verify(awaitEvidence(key, Duration.ofSeconds(10)), hash);
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            // the leaf row's copy of the record hash: what is served no longer matches the logged commitment
            // (the event itself, checked with its own hash, is still proven: nothing is lost)
            tamper(db, "update tlog_leaf set record_hash = decode(repeat('ab', 32), 'hex') where record_key = ?", key, () -> {
                GetRecordEvidenceResponse e = awaitEvidence(key, Duration.ofSeconds(5));
                assertThatThrownBy(() -> verify(e, e.getRecordHash().toByteArray())).hasMessageContaining("does not commit to this record");
                assertThat(e.getRecordHash().toByteArray()).isNotEqualTo(hash);
                verify(e, hash);
            });
            // the entry itself: its leaf is not the one the cosigned tree holds
            tamper(db, "update tlog_leaf set entry = entry || '\\x00'::bytea where record_key = ?", key, () -> {
                GetRecordEvidenceResponse e = awaitEvidence(key, Duration.ofSeconds(5));
                assertThatThrownBy(() -> verify(e, hash)).isInstanceOf(WitnessPolicy.Rejected.class);
            });
            // the salt: the commitment does not match
            tamper(db, "update tlog_leaf set salt = decode(repeat('cd', 32), 'hex') where record_key = ?", key, () -> {
                GetRecordEvidenceResponse e = awaitEvidence(key, Duration.ofSeconds(5));
                assertThatThrownBy(() -> verify(e, hash)).hasMessageContaining("does not commit");
            });
            // the event rewritten in place (a byte of its sealed record): the hash served for it (SHA-256 of
            // the sealed bytes) is not the one the cosigned entry commits to
            tamper(db, "update event set body = set_byte(body, length(body) - 1, 255 - get_byte(body, length(body) - 1))"
                    + " where robot_id = ? and sequence = "
                    + written.getEvent().getSequence(), written.getEvent().getRobotId(), () -> {
                        var listed = fleet.as(Tokens.auditor()).listEvents(io.robotid.proto.lifecycle.v1.ListEventsRequest
                                .newBuilder().setRobotId(written.getEvent().getRobotId()).build());
                        byte[] stored = Hex.parse(listed.getEventsList().stream()
                                .filter(ev -> ev.getSequence() == written.getEvent().getSequence()).findFirst().orElseThrow().getHash());
                        assertThatThrownBy(() -> verify(awaitEvidence(key, Duration.ofSeconds(5)), stored))
                                .hasMessageContaining("does not commit");
                    });
            // a tile: the inclusion proof leads to another root than the cosigned one
            tamper(db, "update tlog_tile set hashes = overlay(hashes placing decode(repeat('ee', 32), 'hex') from 1 for 32)"
                    + " where level = 0 and idx = 0 and ? <> ''", key, () -> {
                        GetRecordEvidenceResponse e = awaitEvidence(key, Duration.ofSeconds(5));
                        if (e.getLeafIndex() > 0) {
                            assertThatThrownBy(() -> verify(e, hash)).hasMessageContaining("another root");
                        }
                    });
            // the leaf deleted: no evidence, and the event's key has a hole in the log a verifier notices
            tamper(db, "update tlog_leaf set record_key = record_key || '-gone' where record_key = ?", key, () ->
                    assertThatThrownBy(() -> awaitEvidence(key, Duration.ZERO))
                            .extracting(t -> ((StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        }
        verify(awaitEvidence(key, Duration.ofSeconds(5)), hash);
    }

    /** Applies {@code sql} to the row, checks, and puts every column of both tables back. */
    void tamper(Connection db, String sql, String parameter, Runnable check) throws SQLException {
        try (var save = db.createStatement()) {
            save.execute("create temp table if not exists saved_leaf as select * from tlog_leaf with no data");
            save.execute("create temp table if not exists saved_tile as select * from tlog_tile with no data");
            save.execute("create temp table if not exists saved_event as select * from event with no data");
            save.execute("truncate saved_leaf, saved_tile, saved_event");
            save.execute("insert into saved_leaf select * from tlog_leaf");
            save.execute("insert into saved_tile select * from tlog_tile");
            save.execute("insert into saved_event select * from event");
        }
        try (PreparedStatement s = db.prepareStatement(sql)) {
            s.setString(1, parameter);
            assertThat(s.executeUpdate()).as(sql).isGreaterThanOrEqualTo(1);
        }
        try {
            check.run();
        } finally {
            try (var restore = db.createStatement()) {
                restore.execute("update tlog_leaf l set record_key = s.record_key, salt = s.salt, record_hash = s.record_hash,"
                        + " entry = s.entry from saved_leaf s where s.seq = l.seq");
                restore.execute("update tlog_tile t set hashes = s.hashes from saved_tile s where s.level = t.level and s.idx = t.idx");
                restore.execute("update event e set hash = s.hash, body = s.body from saved_event s"
                        + " where s.robot_id = e.robot_id and s.sequence = e.sequence");
            }
        }
    }

    /** The value of one Prometheus sample line ({@code name{labels} value ...}). */
    static double sample(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).split(" ")[0]))
                .orElseThrow(() -> new AssertionError("no sample " + series + " in /q/metrics"));
    }

    @Test
    @Order(4)
    void writesGoOnWithoutTheQuorumAndNothingIsLostWhenTheWitnessesReturn() throws Exception {
        List<WitnessProcess> w = Witnesses.WITNESSES;
        w.get(2).kill();
        RecordEventResponse one = deploy(fleet.robots.get(1));
        GetRecordEvidenceResponse e1 = awaitEvidence(key(one), Duration.ofSeconds(5));
        assertThat(verify(e1, Hex.parse(one.getEvent().getHash())).checkpoint().cosignedAt()).containsOnlyKeys("w1", "w2");

        w.get(1).kill();
        long served = policy().verify(get("/checkpoint")).checkpoint().size();
        RecordEventResponse two = deploy(fleet.robots.get(2));
        Thread.sleep(1500);
        assertThatThrownBy(() -> awaitEvidence(key(two), Duration.ZERO)).extracting(t -> ((StatusRuntimeException) t).getStatus()
                .getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(policy().verify(get("/checkpoint")).checkpoint().size()).as("the last cosigned checkpoint is served").isEqualTo(served);
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Fleet.LIFECYCLE_PORT
                + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("transparency-log").contains("waiting or missed").contains("witness w2");
        // the metrics say the same: cosignatures per witness, the failures of the ones down, a served size behind
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Fleet.LIFECYCLE_PORT
                + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(sample(metrics, "robotid_tlog_cosignatures_total{witness=\"w1\"}")).isPositive();
        assertThat(sample(metrics, "robotid_tlog_witness_failures_total{witness=\"w2\"}")).isPositive();
        assertThat(sample(metrics, "robotid_tlog_served_size_leaves")).isEqualTo((double) served)
                .isLessThan(sample(metrics, "robotid_tlog_size_leaves"));

        w.get(1).restart();
        w.get(2).restart();
        GetRecordEvidenceResponse e2 = awaitEvidence(key(two), Duration.ofSeconds(10));
        verify(e2, Hex.parse(two.getEvent().getHash()));
        verify(awaitEvidence(key(one), Duration.ofSeconds(5)), Hex.parse(one.getEvent().getHash()));
        // with no further write, the witness that came back after the quorum was met catches up too (asked again
        // after its backoff), and its cosignature joins the served checkpoint
        java.util.Set<String> cosigners = java.util.Set.of();
        for (int i = 0; i < 100 && cosigners.size() < 3; i++) {
            cosigners = policy().verify(get("/checkpoint")).cosignedAt().keySet();
            Thread.sleep(100);
        }
        assertThat(cosigners).as("every witness cosigned the served checkpoint").containsExactlyInAnyOrder("w1", "w2", "w3");
    }

    @Test
    @Order(5)
    void aSplitViewIsRefusedByEveryWitness() throws Exception {
        WitnessPolicy.Verified served = policy().verify(get("/checkpoint"));
        Checkpoint c = served.checkpoint();
        // the same size with another root, signed with the log's own key
        String forged = signed(new Checkpoint(c.origin(), c.size(), MerkleTree.leafHash("fork".getBytes())));
        for (WitnessProcess w : Witnesses.WITNESSES) {
            HttpResponse<String> r = addCheckpoint(w, new AddCheckpoint(c.size(), List.of(), forged));
            assertThat(r.statusCode()).as(w.name() + ": " + r.body()).isIn(409, 422);
            if (r.statusCode() == 409) {
                // the witness moved on: ask again from where it is
                long at = Long.parseLong(r.body().strip());
                assertThat(addCheckpoint(w, new AddCheckpoint(at, List.of(), forged)).statusCode()).isIn(400, 422);
            }
        }
    }

    static String signed(Checkpoint c) {
        return new SignedNote(c.text(), List.of(Witnesses.logKey.sign(c.text()))).format();
    }

    static HttpResponse<String> addCheckpoint(WitnessProcess w, AddCheckpoint body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(w.url() + "/add-checkpoint"))
                .POST(HttpRequest.BodyPublishers.ofString(body.format())).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(6)
    void theOperatorsRewriteOfHistoryAndTreeIsRefusedAndCaught() throws Exception {
        String before = get("/checkpoint");
        long beforeSize = policy().verify(before).checkpoint().size();
        RecordEventResponse victim = deploy(fleet.robots.get(3));
        verify(awaitEvidence(key(victim), Duration.ofSeconds(10)), Hex.parse(victim.getEvent().getHash()));
        try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            long leaves;
            try (ResultSet r = db.createStatement().executeQuery("select count(*) from tlog_leaf")) {
                r.next();
                leaves = r.getLong(1);
            }
            // the operator rewrites an early record, and rebuilds and re-signs the whole tree with the log's key
            db.createStatement().execute("""
                    update tlog_leaf set entry = entry || '\\x01'::bytea where seq = (select min(seq) from tlog_leaf);
                    update tlog_leaf set leaf_index = null;
                    delete from tlog_tile; delete from tlog_checkpoint; delete from tlog_witness;""");
            long until = System.currentTimeMillis() + 10_000;
            String rebuilt = null;
            while (rebuilt == null && System.currentTimeMillis() < until) {
                try (ResultSet r = db.createStatement().executeQuery("select note from tlog_checkpoint where size >= "
                        + leaves + " order by size desc limit 1")) {
                    rebuilt = r.next() ? r.getString(1) : null;
                }
                Thread.sleep(100);
            }
            assertThat(rebuilt).as("the integrator rebuilt and re-signed the tree").isNotNull();
            Thread.sleep(2000);
            try (ResultSet r = db.createStatement().executeQuery("select count(*) from tlog_checkpoint where cosigned_note is not null")) {
                r.next();
                assertThat(r.getLong(1)).as("no witness cosigned the rewritten tree").isZero();
            }
            try (ResultSet r = db.createStatement().executeQuery("select witness, last_error from tlog_witness order by witness")) {
                int refused = 0;
                while (r.next()) {
                    assertThat(r.getString(2)).as(r.getString(1)).contains("422");
                    refused++;
                }
                assertThat(refused).isEqualTo(3);
            }
            // under the witness policy the rewritten checkpoint has no quorum
            String rewritten = rebuilt;
            assertThatThrownBy(() -> policy().verify(rewritten)).hasMessageContaining("quorum is not met");
            // and even trusting the log's signature alone, it is not an extension of what the witnesses cosigned
            WitnessPolicy logOnly = WitnessPolicy.parse("log " + Witnesses.logKey.verifierKey().vkey()
                    + "\nquorum none\n");
            long newSize = logOnly.verify(rewritten).checkpoint().size();
            assertThatThrownBy(() -> RecordProofs.verifyConsistency(logOnly, before, rewritten, new TileClient(LOG_URL, newSize)))
                    .hasMessageContaining("not append-only");
            java.nio.file.Path dir = Witnesses.DIRECTORY;
            java.nio.file.Files.writeString(dir.resolve("before"), before);
            java.nio.file.Files.writeString(dir.resolve("rewritten"), rewritten);
            java.nio.file.Files.writeString(dir.resolve("log-only-policy"), "log "
                    + Witnesses.logKey.verifierKey().vkey() + "\nquorum none\n");
            assertThat(command("consistency", "--policy", dir.resolve("log-only-policy").toString(), "--log", LOG_URL,
                    dir.resolve("before").toString(), dir.resolve("rewritten").toString())).startsWith("FAILED: ")
                    .contains("not append-only between sizes " + beforeSize);
            // a proof built from the rewritten history fails under the witness policy
            long index;
            byte[] entry;
            try (ResultSet r = db.createStatement().executeQuery("select leaf_index, entry from tlog_leaf where record_key = '"
                    + key(victim) + "'")) {
                r.next();
                index = r.getLong(1);
                entry = r.getBytes(2);
            }
            TileClient tiles = new TileClient(LOG_URL, newSize);
            String proof = new TlogProof(entry, index, Proofs.inclusionProof(tiles, index, newSize), rewritten).format();
            assertThatThrownBy(() -> RecordProofs.verify(policy(), proof, "lifecycle-event", null, null))
                    .hasMessageContaining("quorum is not met");
            assertThat(RecordProofs.verify(logOnly, proof, "lifecycle-event", null, null).index()).isEqualTo(index);
        }
        // every witness still holds the checkpoint it cosigned before the rewrite, or a later honest one
        for (WitnessProcess w : Witnesses.WITNESSES) {
            String origin = Hex.of(io.robotid.evidence.codec.Sha256.of(Witnesses.ORIGIN.getBytes()));
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(w.url() + "/" + origin + "/checkpoint")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            WitnessPolicy thisWitness = WitnessPolicy.parse("log " + Witnesses.logKey.verifierKey().vkey()
                    + "\nwitness w " + w.key().vkey() + "\nquorum w\n");
            assertThat(thisWitness.verify(r.body()).checkpoint().size()).isGreaterThanOrEqualTo(beforeSize);
        }
    }
}
