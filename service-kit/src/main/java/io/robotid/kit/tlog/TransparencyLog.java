package io.robotid.kit.tlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robotid.evidence.format.LogEntries;
import io.robotid.evidence.tlog.AddCheckpoint;
import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;
import io.robotid.evidence.tlog.Proofs;
import io.robotid.evidence.tlog.SignedNote;
import io.robotid.evidence.tlog.Tiles;
import io.robotid.evidence.tlog.TlogProof;
import io.robotid.evidence.tlog.WitnessPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A service's transparency log (EVIDENCE.md section 11; c2sp.org/tlog-tiles, tlog-checkpoint,
 * tlog-witness): every record the service keeps is committed by a leaf written in the record's own
 * transaction ({@link #appendAll}); an integrator gives pending leaves their indexes in batches under
 * an advisory lock (one integrator across replicas), grows the tiles, signs a checkpoint, asks the
 * witnesses of the policy to cosign it, and serves it once the quorum has. When the quorum cannot be
 * reached, writes go on and the last cosigned checkpoint keeps being served.
 */
@Singleton
public class TransparencyLog {
    private static final Logger LOG = Logger.getLogger(TransparencyLog.class);
    /** pg advisory lock key of the integrator: "tlog" in ASCII. */
    private static final long INTEGRATOR_LOCK = 0x746c6f67L;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A record to commit: its kind, a key to find its leaf again, and its hash per EVIDENCE.md. */
    public record Leaf(String kind, String recordKey, byte[] recordHash) {
    }

    /**
     * A record's evidence: its entry, salt, index and a c2sp.org/tlog-proof under the served checkpoint, and
     * the record itself where its service shows it ({@link TlogRecords}; else null).
     */
    public record RecordEvidence(String kind, String recordKey, byte[] salt, byte[] recordHash, byte[] entry,
            long leafIndex, String tlogProof, byte[] record) {
        public RecordEvidence withRecord(byte[] bytes) {
            return new RecordEvidence(kind, recordKey, salt, recordHash, entry, leafIndex, tlogProof, bytes);
        }
    }

    /** Why a witness did not cosign, when to ask it again, and the delay that gave that time. */
    record Trouble(String why, long nextAttemptNanos, java.time.Duration delay) {
    }

    /** What the readiness check reports. */
    public record Status(String origin, long size, long cosignedSize, Map<String, String> witnesses) {
    }

    private final TlogConfig config;
    private final Pool database;
    private final Vertx vertx;
    private final String origin;
    private final String application;
    private final HttpClient http;
    /** Per witness that did not cosign last time it was asked: why, and when to ask it next (backing off). */
    private final Map<String, Trouble> witnessTrouble = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    /** The size of the first checkpoint that missed the quorum since the last one that met it; 0 when met. */
    private final java.util.concurrent.atomic.AtomicLong quorumMissedAt = new java.util.concurrent.atomic.AtomicLong();
    private NoteSigner signer;
    private WitnessPolicy policy;
    private long timer = -1;
    /** Leaves in the last batch integrated (a full one means a backlog: integrate again at once). */
    private volatile int lastBatch;
    /** Whether this replica held the integrator lock in its last round. */
    private volatile boolean heldLock;

    /** The size of the newest checkpoint this replica signed, and of the newest one served (cosigned). */
    private final java.util.concurrent.atomic.AtomicLong integratedSize = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong servedSize = new java.util.concurrent.atomic.AtomicLong();
    private final MeterRegistry meters;
    private final Timer integrationDelay;

    @Inject
    public TransparencyLog(TlogConfig config, Pool database, Vertx vertx, MeterRegistry meters,
            @ConfigProperty(name = "quarkus.application.name", defaultValue = "robotid") String application) {
        this.config = config;
        this.meters = meters;
        // robotid_tlog_size_leaves, robotid_tlog_served_size_leaves, robotid_tlog_integration_delay_seconds,
        // robotid_tlog_cosignatures_total{witness} and robotid_tlog_witness_failures_total{witness}
        Gauge.builder("robotid.tlog.size", integratedSize, java.util.concurrent.atomic.AtomicLong::get).baseUnit("leaves")
                .description("Leaves in the newest checkpoint this replica integrated").register(meters);
        Gauge.builder("robotid.tlog.served.size", servedSize, java.util.concurrent.atomic.AtomicLong::get).baseUnit("leaves")
                .description("Leaves in the newest checkpoint served (cosigned by the witness quorum)").register(meters);
        this.integrationDelay = Timer.builder("robotid.tlog.integration.delay")
                .description("How long the oldest leaf of each integrated batch waited to enter the log")
                .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofMillis(1))
                .maximumExpectedValue(java.time.Duration.ofMinutes(5)).register(meters);
        this.database = database;
        this.vertx = vertx;
        this.origin = config.origin().orElse("robotid.local/" + application);
        this.application = application;
        this.http = HttpClient.newBuilder().connectTimeout(config.witnessTimeout()).build();
    }

    public boolean enabled() {
        return config.enabled();
    }

    public String origin() {
        return origin;
    }

    /** The log's verifier key (vkey), as published with the service's public keys. */
    public NoteKey verifierKey() {
        return signer().verifierKey();
    }

    void start(@Observes StartupEvent start) {
        if (!config.enabled()) {
            return;
        }
        signer();
        policy = config.policyFile().map(f -> {
            try {
                return WitnessPolicy.parse(Files.readString(Path.of(f)));
            } catch (IOException e) {
                throw new UncheckedIOException("robotid.tlog.policy-file " + f + " cannot be read", e);
            }
        }).orElse(null);
        if (policy != null && policy.logs().stream().noneMatch(l -> l.key().equals(signer.verifierKey()))) {
            throw new IllegalStateException("robotid.tlog.policy-file does not list this log's key " + signer.verifierKey().vkey());
        }
        if (policy != null) { // every witness's counters show from the first scrape, at 0
            policy.witnesses().forEach(w -> {
                meters.counter("robotid.tlog.cosignatures", "witness", w.name());
                meters.counter("robotid.tlog.witness.failures", "witness", w.name());
            });
        }
        LOG.infof("transparency log %s (%s), %d witness(es)", origin, signer.verifierKey().vkey(),
                policy == null ? 0 : policy.witnesses().size());
        timer = vertx.setPeriodic(config.integrateInterval().toMillis(), id -> tick());
        status().subscribe().with(ignored -> {
        }, ignored -> {
        });
    }

    void stop(@Observes ShutdownEvent stop) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private synchronized NoteSigner signer() {
        if (signer == null) {
            Path file = Path.of(config.keyFile().orElse("target/tlog/" + application + "-log.key"));
            try {
                if (Files.exists(file)) {
                    signer = NoteSigner.parse(Files.readString(file));
                    if (!signer.name().equals(origin)) {
                        throw new IllegalStateException("the log key in " + file + " is named " + signer.name()
                                + ", not the log's origin " + origin);
                    }
                } else if (config.generateKey()) {
                    signer = NoteSigner.generate(origin, NoteKey.ED25519);
                    signer.writeNew(file);
                    LOG.infof("wrote a new transparency log key for %s to %s", origin, file);
                } else {
                    throw new IllegalStateException("robotid.tlog.key-file " + file + " is missing");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return signer;
    }

    // ---- writing ----------------------------------------------------------------------------------

    /** Writes the leaves of records in the records' own transaction. */
    public Uni<Void> appendAll(SqlClient transaction, List<Leaf> leaves) {
        if (!config.enabled() || leaves.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = leaves.size();
        String[] kinds = new String[n];
        String[] keys = new String[n];
        Buffer[] salts = new Buffer[n];
        Buffer[] hashes = new Buffer[n];
        Buffer[] entries = new Buffer[n];
        for (int i = 0; i < n; i++) {
            Leaf leaf = leaves.get(i);
            byte[] salt = new byte[LogEntries.SALT_BYTES];
            RANDOM.nextBytes(salt);
            kinds[i] = leaf.kind();
            keys[i] = leaf.recordKey();
            salts[i] = Buffer.buffer(salt);
            hashes[i] = Buffer.buffer(leaf.recordHash());
            byte[] entry = LogEntries.entry(leaf.kind(), salt, leaf.recordHash());
            if (entry.length > 0xffff) {
                // entry bundles prefix each entry with a uint16 length (tlog-tiles)
                throw new IllegalArgumentException("a log entry is at most 65535 bytes; kind " + leaf.kind() + " is too long");
            }
            entries[i] = Buffer.buffer(entry);
        }
        // one statement however many leaves (set-based, like the records they commit)
        return transaction.preparedQuery("""
                insert into tlog_leaf (kind, record_key, salt, record_hash, entry)
                select * from unnest($1::text[], $2::text[], $3::bytea[], $4::bytea[], $5::bytea[])""")
                .execute(Tuple.of(kinds, keys, salts, hashes, entries)).replaceWithVoid();
    }

    public Uni<Void> append(SqlClient transaction, Leaf leaf) {
        return appendAll(transaction, List.of(leaf));
    }

    /**
     * Writes the leaves of records in a Hibernate Reactive session's transaction (the Panache services),
     * one statement after the other (a session runs one operation at a time).
     */
    public Uni<Void> appendAll(org.hibernate.reactive.mutiny.Mutiny.Session session, List<Leaf> leaves) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (!config.enabled()) {
            return chain;
        }
        for (Leaf leaf : leaves) {
            byte[] salt = new byte[LogEntries.SALT_BYTES];
            RANDOM.nextBytes(salt);
            byte[] entry = LogEntries.entry(leaf.kind(), salt, leaf.recordHash());
            chain = chain.chain(() -> session.createNativeQuery(
                    "insert into tlog_leaf (kind, record_key, salt, record_hash, entry) values (?1, ?2, ?3, ?4, ?5)")
                    .setParameter(1, leaf.kind()).setParameter(2, leaf.recordKey()).setParameter(3, salt)
                    .setParameter(4, leaf.recordHash()).setParameter(5, entry).executeUpdate().replaceWithVoid());
        }
        return chain;
    }

    /** {@link #appendAll(org.hibernate.reactive.mutiny.Mutiny.Session, List)} in the current Panache session. */
    public Uni<Void> appendInSession(Leaf... leaves) {
        if (!config.enabled() || leaves.length == 0) {
            return Uni.createFrom().voidItem();
        }
        return io.quarkus.hibernate.reactive.panache.Panache.getSession()
                .chain(session -> appendAll(session, List.of(leaves)));
    }

    // ---- integrating ------------------------------------------------------------------------------

    private void tick() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // only the replica that holds the integrator lock asks the witnesses (the others would only be told 409)
        integrateBacklog().chain(size -> heldLock ? cosign(size) : Uni.createFrom().voidItem())
                .eventually(() -> running.set(false))
                .subscribe().with(ignored -> {
                }, failure -> LOG.warnf("transparency log %s: %s", origin, failure.toString()));
    }

    /** Integrates batch after batch while batches come full (a backlog), then returns. */
    private Uni<Optional<Long>> integrateBacklog() {
        return integrate().chain(size -> lastBatch == config.integrateBatch() ? integrateBacklog()
                : Uni.createFrom().item(size));
    }

    /** Integrates pending leaves (if this replica holds the integrator lock); the new size or empty. */
    public Uni<Optional<Long>> integrate() {
        return database.withTransaction(c -> c.query("select pg_try_advisory_xact_lock(" + INTEGRATOR_LOCK + ") as locked")
                .execute().chain(rows -> {
                    heldLock = rows.iterator().next().getBoolean("locked");
                    if (heldLock) {
                        return integrateOn(c);
                    }
                    lastBatch = 0;
                    return Uni.createFrom().item(Optional.<Long>empty());
                }));
    }

    private Uni<Optional<Long>> integrateOn(SqlConnection c) {
        return latestSize(c).chain(size -> c.preparedQuery("""
                select seq, entry, created_at from tlog_leaf where leaf_index is null order by seq limit $1""")
                .execute(Tuple.of((long) config.integrateBatch())).chain(pending -> {
                    lastBatch = pending.size();
                    if (pending.size() == 0) {
                        // an empty log still publishes its checkpoint (size 0, the empty tree's root), once
                        return size > 0 ? Uni.createFrom().item(Optional.<Long>empty())
                                : c.query("select count(*) as n from tlog_checkpoint").execute().chain(n ->
                                        n.iterator().next().getLong("n") > 0 ? Uni.createFrom().item(Optional.<Long>empty())
                                                : storeCheckpoint(c, 0, Proofs.emptyRoot()).replaceWith(Optional.of(0L)));
                    }
                    java.time.OffsetDateTime oldest = pending.iterator().next().getOffsetDateTime("created_at");
                    integrationDelay.record(java.time.Duration.between(oldest.toInstant(), java.time.Instant.now()));
                    List<Long> seqs = new ArrayList<>(pending.size());
                    List<byte[]> leafHashes = new ArrayList<>(pending.size());
                    for (Row r : pending) {
                        seqs.add(r.getLong("seq"));
                        leafHashes.add(LogEntries.leafHash(r.getBuffer("entry").getBytes()));
                    }
                    return rightEdge(c, size).chain(tiles -> {
                        TileAppender appender = new TileAppender(tiles, size);
                        leafHashes.forEach(appender::append);
                        List<TileAppender.Changed> changed = appender.changed();
                        long newSize = appender.size();
                        byte[] root = Proofs.rootHash(tiles, newSize);
                        Long[] indexes = new Long[seqs.size()];
                        for (int i = 0; i < indexes.length; i++) {
                            indexes[i] = size + i;
                        }
                        List<Tuple> tileRows = changed.stream()
                                .map(t -> Tuple.of(t.level(), t.index(), Buffer.buffer(t.hashes()))).toList();
                        return c.preparedQuery("""
                                update tlog_leaf set leaf_index = v.idx
                                from unnest($1::bigint[], $2::bigint[]) as v(seq, idx) where tlog_leaf.seq = v.seq""")
                                .execute(Tuple.of(seqs.toArray(new Long[0]), indexes))
                                .chain(() -> c.preparedQuery("""
                                        insert into tlog_tile (level, idx, hashes) values ($1, $2, $3)
                                        on conflict (level, idx) do update set hashes = excluded.hashes""")
                                        .executeBatch(tileRows))
                                .chain(() -> storeCheckpoint(c, newSize, root))
                                .replaceWith(Optional.of(newSize));
                    });
                }));
    }

    /** Signs the checkpoint of a size and stores it; served at once when there is no witness policy. */
    private Uni<Void> storeCheckpoint(SqlClient c, long size, byte[] root) {
        String text = new Checkpoint(origin, size, root).text();
        String note = new SignedNote(text, List.of(signer().sign(text))).format();
        return c.preparedQuery("""
                insert into tlog_checkpoint (size, root, note, cosigned_note, cosigned_at)
                values ($1, $2, $3, $4, case when $4::text is null then null else now() end)""")
                .execute(Tuple.of(size, Buffer.buffer(root), note, policy == null ? note : null))
                .invoke(() -> {
                    integratedSize.accumulateAndGet(size, Math::max);
                    if (policy == null) {
                        servedSize.accumulateAndGet(size, Math::max);
                    }
                }).replaceWithVoid();
    }

    private static Uni<Long> latestSize(SqlClient c) {
        return c.query("select coalesce(max(size), 0) as size from tlog_checkpoint").execute()
                .map(rows -> rows.iterator().next().getLong("size"));
    }

    private static Uni<TileHashes> rightEdge(SqlClient c, long size) {
        TileHashes tiles = new TileHashes();
        List<long[]> edge = TileAppender.rightEdge(size);
        if (edge.isEmpty()) {
            return Uni.createFrom().item(tiles);
        }
        Integer[] levels = edge.stream().map(e -> (int) e[0]).toArray(Integer[]::new);
        Long[] indexes = edge.stream().map(e -> e[1]).toArray(Long[]::new);
        return c.preparedQuery("""
                select t.level, t.idx, t.hashes from tlog_tile t
                join unnest($1::int[], $2::bigint[]) as e(level, idx) on t.level = e.level and t.idx = e.idx""")
                .execute(Tuple.of(levels, indexes)).map(rows -> {
                    for (Row r : rows) {
                        tiles.put(r.getInteger("level"), r.getLong("idx"), r.getBuffer("hashes").getBytes());
                    }
                    return tiles;
                });
    }

    /** Computes with tiles read from the database as the computation asks for them. */
    private <T> Uni<T> withTiles(TileHashes tiles, Function<TileHashes, T> compute) {
        try {
            return Uni.createFrom().item(compute.apply(tiles));
        } catch (TileHashes.Missing missing) {
            return database.preparedQuery("select hashes from tlog_tile where level = $1 and idx = $2")
                    .execute(Tuple.of(missing.level, missing.index)).chain(rows -> {
                        if (rows.size() == 0) {
                            return Uni.createFrom().failure(new IllegalStateException(
                                    "tile " + missing.level + "/" + missing.index + " is missing"));
                        }
                        tiles.put(missing.level, missing.index, rows.iterator().next().getBuffer("hashes").getBytes());
                        return withTiles(tiles, compute);
                    });
        }
    }

    // ---- witnesses --------------------------------------------------------------------------------

    /**
     * Asks the witnesses to cosign the newest checkpoint, and serves it once the quorum has. A witness
     * that missed a served checkpoint (it was down, or backing off) is asked for it afterwards, so every
     * witness follows the log; its cosignature is added to the served note.
     */
    public Uni<Void> cosign(Object ignored) {
        if (policy == null) {
            return Uni.createFrom().voidItem();
        }
        return database.query("""
                select size, root, note, cosigned_note from tlog_checkpoint order by size desc limit 1""").execute()
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    Row latest = rows.iterator().next();
                    long size = latest.getLong("size");
                    String note = latest.getString("note");
                    String served = latest.getString("cosigned_note");
                    return database.query("select witness, cosigned_size from tlog_witness").execute().chain(state -> {
                        Map<String, Long> cosignedSizes = new ConcurrentHashMap<>();
                        state.forEach(r -> cosignedSizes.put(r.getString("witness"), r.getLong("cosigned_size")));
                        long now = System.nanoTime();
                        List<Uni<Optional<SignedNote.Signature>>> asks = policy.witnesses().stream()
                                .filter(w -> w.url().isPresent())
                                // once served, only the witnesses that have not cosigned it yet
                                .filter(w -> served == null || cosignedSizes.getOrDefault(w.name(), 0L) < size)
                                // a witness backing off is not asked this time (the others may make the quorum)
                                .filter(w -> {
                                    Trouble t = witnessTrouble.get(w.name());
                                    return t == null || now - t.nextAttemptNanos() >= 0;
                                })
                                .map(w -> ask(w, cosignedSizes.getOrDefault(w.name(), 0L), size, note, true))
                                .toList();
                        if (served != null && asks.isEmpty()) {
                            return Uni.createFrom().voidItem();
                        }
                        Uni<List<Optional<SignedNote.Signature>>> answers = asks.isEmpty()
                                ? Uni.createFrom().item(List.of()) // a policy with no witness to ask (quorum none)
                                : Uni.join().all(asks).andCollectFailures();
                        return answers.chain(signatures -> {
                            SignedNote cosigned = SignedNote.parse(served != null ? served : note);
                            boolean added = false;
                            for (Optional<SignedNote.Signature> s : signatures) {
                                if (s.isPresent()) {
                                    cosigned = cosigned.withSignature(s.get());
                                    added = true;
                                }
                            }
                            String full = cosigned.format();
                            if (served != null) {
                                // a late witness's cosignature joins the served checkpoint
                                return added ? database.preparedQuery("update tlog_checkpoint set cosigned_note = $2 where size = $1")
                                        .execute(Tuple.of(size, full)).replaceWithVoid() : Uni.createFrom().voidItem();
                            }
                            try {
                                policy.verify(full);
                            } catch (WitnessPolicy.Rejected notYet) {
                                if (quorumMissedAt.getAndSet(size) == 0) {
                                    LOG.warnf("transparency log %s: checkpoints are not served while %s; the last cosigned one is",
                                            origin, notYet.getMessage());
                                }
                                return Uni.createFrom().voidItem();
                            }
                            if (quorumMissedAt.getAndSet(0) != 0) {
                                LOG.infof("transparency log %s: the witness quorum cosigned checkpoint %d", origin, size);
                            }
                            return database.preparedQuery("""
                                    update tlog_checkpoint set cosigned_note = $2, cosigned_at = now() where size = $1""")
                                    .execute(Tuple.of(size, full))
                                    .invoke(() -> servedSize.accumulateAndGet(size, Math::max))
                                    .replaceWithVoid();
                        });
                    });
                });
    }

    private Uni<Optional<SignedNote.Signature>> ask(WitnessPolicy.Witness witness, long oldSize, long size, String note,
            boolean mayRetry) {
        if (oldSize > size) {
            return failed(witness, "it cosigned size " + oldSize + ", above this log's " + size + ": a fork or a lost database");
        }
        return withTiles(new TileHashes(), tiles -> Proofs.consistencyProof(tiles, oldSize, size)).chain(proof -> {
            String body = new AddCheckpoint(oldSize, proof, note).format();
            HttpRequest request = HttpRequest.newBuilder(URI.create(witness.url().get().replaceAll("/$", "") + "/add-checkpoint"))
                    .timeout(config.witnessTimeout()).POST(HttpRequest.BodyPublishers.ofString(body)).build();
            return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString()))
                    .chain(response -> switch (response.statusCode()) {
                        case 200 -> accepted(witness, size, note, response.body());
                        case 409 -> {
                            String known = response.body().strip();
                            if (mayRetry && known.matches("0|[1-9][0-9]{0,18}")) {
                                yield remember(witness, Long.parseLong(known), null)
                                        .chain(() -> ask(witness, Long.parseLong(known), size, note, false));
                            }
                            yield failed(witness, "409 " + known);
                        }
                        default -> failed(witness, response.statusCode() + " " + response.body().strip());
                    });
        }).onFailure().recoverWithUni(f -> failed(witness, f.toString()));
    }

    private Uni<Optional<SignedNote.Signature>> accepted(WitnessPolicy.Witness witness, long size, String note, String body) {
        String text = SignedNote.parse(note).text();
        for (String line : body.split("\n")) {
            try {
                SignedNote.Signature s = SignedNote.parseSignatureLine(line);
                if (witness.key().matches(s)) {
                    witness.key().verify(text, s);
                    meters.counter("robotid.tlog.cosignatures", "witness", witness.name()).increment();
                    if (witnessTrouble.remove(witness.name()) != null) {
                        LOG.infof("transparency log %s: witness %s cosigns again", origin, witness.name());
                    }
                    return remember(witness, size, null).replaceWith(Optional.of(s));
                }
            } catch (RuntimeException e) {
                return failed(witness, "its answer is not a valid cosignature: " + e.getMessage());
            }
        }
        return failed(witness, "its answer holds no cosignature of its key");
    }

    private Uni<Optional<SignedNote.Signature>> failed(WitnessPolicy.Witness witness, String why) {
        Trouble before = witnessTrouble.get(witness.name());
        java.time.Duration delay = before == null ? config.integrateInterval() : before.delay().multipliedBy(2);
        if (delay.compareTo(config.witnessMaxBackoff()) > 0) {
            delay = config.witnessMaxBackoff();
        }
        witnessTrouble.put(witness.name(), new Trouble(why, System.nanoTime() + delay.toNanos(), delay));
        meters.counter("robotid.tlog.witness.failures", "witness", witness.name()).increment();
        // said once per change, not at every checkpoint while a witness stays down
        if (before == null || !why.equals(before.why())) {
            LOG.warnf("transparency log %s: witness %s did not cosign: %s", origin, witness.name(), why);
        }
        return remember(witness, -1, why).replaceWith(Optional.empty());
    }

    private Uni<Void> remember(WitnessPolicy.Witness witness, long cosignedSize, String error) {
        return database.preparedQuery("""
                insert into tlog_witness (witness, cosigned_size, last_error, updated_at)
                values ($1, greatest($2::bigint, 0), $3, now())
                on conflict (witness) do update set
                    cosigned_size = case when $2::bigint >= 0 then $2::bigint else tlog_witness.cosigned_size end,
                    last_error = $3, updated_at = now()""")
                .execute(Tuple.of(witness.name(), cosignedSize, error)).replaceWithVoid()
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    // ---- reading ----------------------------------------------------------------------------------

    /** The newest checkpoint the quorum cosigned (or, without witnesses, the log signed); empty before the first. */
    public Uni<Optional<String>> servedCheckpoint() {
        return database.query("""
                select cosigned_note from tlog_checkpoint where cosigned_note is not null order by size desc limit 1""")
                .execute().map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next().getString("cosigned_note")));
    }

    /** A tile's bytes as tlog-tiles serves them, or empty when the log has no such tile. */
    public Uni<Optional<byte[]>> tile(Tiles.Tile tile) {
        if (tile.entries()) {
            long first = tile.index() * Tiles.WIDTH;
            return database.preparedQuery("""
                    select entry from tlog_leaf where leaf_index >= $1 and leaf_index < $2 order by leaf_index""")
                    .execute(Tuple.of(first, first + tile.width())).map(rows -> {
                        if (rows.size() != tile.width()) {
                            return Optional.empty();
                        }
                        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                        for (Row r : rows) {
                            byte[] entry = r.getBuffer("entry").getBytes();
                            out.write(entry.length >>> 8);
                            out.write(entry.length & 0xff);
                            out.writeBytes(entry);
                        }
                        return Optional.of(out.toByteArray());
                    });
        }
        return database.preparedQuery("select hashes from tlog_tile where level = $1 and idx = $2")
                .execute(Tuple.of(tile.level(), tile.index())).map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    byte[] hashes = rows.iterator().next().getBuffer("hashes").getBytes();
                    if (hashes.length < tile.width() * 32) {
                        return Optional.empty();
                    }
                    return Optional.of(java.util.Arrays.copyOf(hashes, tile.width() * 32));
                });
    }

    /**
     * The evidence of one record (by the key its service gave it): its entry and salt, and a tlog-proof
     * of its inclusion under the served checkpoint; empty when the record has no leaf or its leaf is not
     * yet under a served checkpoint.
     */
    public Uni<Optional<RecordEvidence>> evidence(String recordKey) {
        return database.preparedQuery("""
                select kind, record_key, salt, record_hash, entry, leaf_index from tlog_leaf
                where record_key = $1 and leaf_index is not null order by seq desc limit 1""")
                .execute(Tuple.of(recordKey)).chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Optional.<RecordEvidence>empty());
                    }
                    Row leaf = rows.iterator().next();
                    long index = leaf.getLong("leaf_index");
                    return servedCheckpoint().chain(served -> {
                        if (served.isEmpty()) {
                            return Uni.createFrom().item(Optional.<RecordEvidence>empty());
                        }
                        long size = Checkpoint.parse(SignedNote.parse(served.get()).text()).size();
                        if (index >= size) {
                            return Uni.createFrom().item(Optional.<RecordEvidence>empty());
                        }
                        byte[] entry = leaf.getBuffer("entry").getBytes();
                        return withTiles(new TileHashes(), tiles -> Proofs.inclusionProof(tiles, index, size))
                                .map(proof -> Optional.of(new RecordEvidence(leaf.getString("kind"), recordKey,
                                        leaf.getBuffer("salt").getBytes(), leaf.getBuffer("record_hash").getBytes(), entry,
                                        index, new TlogProof(entry, index, proof, served.get()).format(), null)));
                    });
                });
    }

    /** A consistency proof between two sizes of the log, both at most the served size. */
    public Uni<List<byte[]>> consistencyProof(long oldSize, long newSize) {
        return withTiles(new TileHashes(), tiles -> Proofs.consistencyProof(tiles, oldSize, newSize));
    }

    public Uni<Status> status() {
        return database.query("""
                select coalesce(max(size), 0) as size,
                       coalesce(max(size) filter (where cosigned_note is not null), 0) as cosigned from tlog_checkpoint""")
                .execute().map(rows -> {
                    Row r = rows.iterator().next();
                    // every replica's gauges follow the log (readiness probes call this), not only the integrator's
                    integratedSize.accumulateAndGet(r.getLong("size"), Math::max);
                    servedSize.accumulateAndGet(r.getLong("cosigned"), Math::max);
                    return new Status(origin, r.getLong("size"), r.getLong("cosigned"), witnessTrouble.entrySet().stream()
                            .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> e.getValue().why())));
                });
    }

    static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
