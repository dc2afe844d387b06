package io.robotid.certification.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.google.protobuf.InvalidProtocolBufferException;

import io.robotid.certification.domain.CertificationSeals;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The feed of certification changes. Appends take a transaction-scoped advisory lock and number the entry
 * themselves (the next after the highest), so sequence numbers follow commit order, a consumer resuming
 * after its last sequence misses nothing, and the entry's seal (EVIDENCE.md 6.6) covers its number. The
 * body is stored without sequence and seal; both are added when an entry is served. Appends run in the
 * transaction of the change (Hibernate session on request paths, the SQL client in the lifecycle
 * follower); reads on the SQL client.
 */
@ApplicationScoped
public class FeedRepository {
    /** Advisory lock key that orders feed appends. */
    static final long FEED_LOCK = 0x6365727466L;
    private static final String LAST = "select coalesce(max(sequence), 0) from certification_feed";
    private static final String INSERT = """
            insert into certification_feed (sequence, kind, certificate_id, robot_id, body, changed_at, entry_hash)
            overriding system value
            values ($1, $2, cast($3 as uuid), $4, $5, $6, $7)""";

    private final Pool database;

    public FeedRepository(Pool database) {
        this.database = database;
    }

    /** Appends in the Hibernate session's transaction. */
    public Uni<Void> append(Mutiny.Session session, WatchCertificationChangesResponse entry) {
        return session.createNativeQuery("select 1 from pg_advisory_xact_lock(?1)", Integer.class)
                .setParameter(1, FEED_LOCK).getSingleResult()
                .chain(() -> session.createNativeQuery(LAST, Long.class).getSingleResult())
                .chain(last -> {
                    Sealed sealed = Sealed.of(last + 1, entry);
                    return session.createNativeQuery(INSERT.replaceAll("\\$(\\d)", "?$1"))
                            .setParameter(1, sealed.sequence())
                            .setParameter(2, entry.getKind().name())
                            .setParameter(3, sealed.certificateId())
                            .setParameter(4, sealed.robotId())
                            .setParameter(5, sealed.body())
                            .setParameter(6, sealed.changedAt())
                            .setParameter(7, sealed.hash())
                            .executeUpdate();
                })
                .replaceWithVoid();
    }

    /**
     * Appends entries in order on the connection's transaction: the lock and the last number taken once, the rows
     * numbered from there and written in one pipelined batch (the lifecycle follower's batch of marks).
     */
    public Uni<Void> appendAll(SqlConnection connection, List<WatchCertificationChangesResponse> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(FEED_LOCK))
                .chain(() -> connection.query(LAST).execute())
                .map(rows -> rows.iterator().next().getLong(0))
                .chain(last -> {
                    List<Tuple> rows = new ArrayList<>(entries.size());
                    for (int i = 0; i < entries.size(); i++) {
                        WatchCertificationChangesResponse entry = entries.get(i);
                        Sealed sealed = Sealed.of(last + 1 + i, entry);
                        rows.add(Tuple.from(Arrays.asList(sealed.sequence(), entry.getKind().name(), sealed.certificateId(),
                                sealed.robotId(), Buffer.buffer(sealed.body()), sealed.changedAt().atOffset(ZoneOffset.UTC),
                                sealed.hash())));
                    }
                    return connection.preparedQuery(INSERT).executeBatch(rows);
                })
                .replaceWithVoid();
    }

    /** An entry numbered and sealed as it is stored: the copy columns, the body bytes and the seal. */
    private record Sealed(long sequence, String certificateId, String robotId, byte[] body, Instant changedAt,
            String hash) {
        static Sealed of(long sequence, WatchCertificationChangesResponse entry) {
            byte[] body = entry.toByteArray();
            Instant changedAt = instant(entry);
            String certificateId = FeedRepository.certificateId(entry);
            String robotId = FeedRepository.robotId(entry);
            return new Sealed(sequence, certificateId, robotId, body, changedAt, CertificationSeals.feedEntry(sequence,
                    entry.getKind().name(), certificateId, robotId, changedAt, body));
        }
    }

    /** The newest sequence of the certification feed (0 before any). */
    public Uni<Long> head() {
        return database.query("select coalesce(max(sequence), 0) as head from certification_feed").execute()
                .map(rows -> rows.iterator().next().getLong("head"));
    }

    /** One page of entries after {@code sequence}, in order, each with its number and seal. */
    public Uni<List<WatchCertificationChangesResponse>> after(long sequence, int limit) {
        return database.preparedQuery("""
                select sequence, body, entry_hash from certification_feed where sequence > $1 order by sequence limit $2""")
                .execute(Tuple.of(sequence, limit))
                .map(rows -> {
                    List<WatchCertificationChangesResponse> out = new ArrayList<>();
                    for (Row row : rows) {
                        try {
                            String seal = row.getString("entry_hash");
                            out.add(WatchCertificationChangesResponse.parseFrom(row.getBuffer("body").getBytes())
                                    .toBuilder().setSequence(row.getLong("sequence"))
                                    .setEntryHash(seal == null ? "" : seal).build());
                        } catch (InvalidProtocolBufferException e) {
                            throw new IllegalStateException("feed entry " + row.getLong("sequence") + " is unreadable", e);
                        }
                    }
                    return out;
                });
    }

    /** The certificate an entry is about (its certificate_id column), or null. */
    public static String certificateId(WatchCertificationChangesResponse entry) {
        return entry.hasCertificate() ? entry.getCertificate().getCertificateId() : null;
    }

    /** The robot an entry is about (its robot_id column): a unit's re-validation or certificate, else null. */
    public static String robotId(WatchCertificationChangesResponse entry) {
        if (entry.hasRevalidation()) {
            return entry.getRevalidation().getRobotId();
        }
        return entry.hasCertificate() && entry.getCertificate().getSubject().length() == 29
                ? entry.getCertificate().getSubject() : null;
    }

    private static Instant instant(WatchCertificationChangesResponse entry) {
        return Instant.ofEpochSecond(entry.getChangedAt().getSeconds(), entry.getChangedAt().getNanos());
    }
}
