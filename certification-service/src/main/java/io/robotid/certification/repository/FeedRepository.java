package io.robotid.certification.repository;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.google.protobuf.InvalidProtocolBufferException;

import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The feed of certification changes. Appends take a transaction-scoped advisory lock, so sequence
 * numbers follow commit order and a consumer resuming after its last sequence misses nothing.
 * Appends run in the transaction of the change (Hibernate session on request paths, the SQL
 * client in the lifecycle follower); reads on the SQL client.
 */
@ApplicationScoped
public class FeedRepository {
    /** Advisory lock key that orders feed appends. */
    static final long FEED_LOCK = 0x6365727466L;
    private static final String INSERT = """
            insert into certification_feed (kind, certificate_id, robot_id, body, changed_at)
            values ($1, cast($2 as uuid), $3, $4, $5)""";

    private final Pool database;

    public FeedRepository(Pool database) {
        this.database = database;
    }

    /** Appends in the Hibernate session's transaction. */
    public Uni<Void> append(Mutiny.Session session, WatchCertificationChangesResponse entry) {
        return session.createNativeQuery("select 1 from pg_advisory_xact_lock(?1)", Integer.class)
                .setParameter(1, FEED_LOCK).getSingleResult()
                .chain(() -> session.createNativeQuery(INSERT.replaceAll("\\$(\\d)", "?$1"))
                        .setParameter(1, entry.getKind().name())
                        .setParameter(2, certificateId(entry))
                        .setParameter(3, robotId(entry))
                        .setParameter(4, entry.toByteArray())
                        .setParameter(5, instant(entry))
                        .executeUpdate())
                .replaceWithVoid();
    }

    /** Appends on the connection's transaction. */
    public Uni<Void> append(SqlConnection connection, WatchCertificationChangesResponse entry) {
        return connection.preparedQuery("select pg_advisory_xact_lock($1)").execute(Tuple.of(FEED_LOCK))
                .chain(() -> connection.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(entry.getKind().name(),
                        certificateId(entry), robotId(entry), Buffer.buffer(entry.toByteArray()),
                        instant(entry).atOffset(ZoneOffset.UTC)))))
                .replaceWithVoid();
    }

    /** One page of entries after {@code sequence}, in order. */
    public Uni<List<WatchCertificationChangesResponse>> after(long sequence, int limit) {
        return database.preparedQuery("""
                select sequence, body from certification_feed where sequence > $1 order by sequence limit $2""")
                .execute(Tuple.of(sequence, limit))
                .map(rows -> {
                    List<WatchCertificationChangesResponse> out = new ArrayList<>();
                    for (Row row : rows) {
                        try {
                            out.add(WatchCertificationChangesResponse.parseFrom(row.getBuffer("body").getBytes())
                                    .toBuilder().setSequence(row.getLong("sequence")).build());
                        } catch (InvalidProtocolBufferException e) {
                            throw new IllegalStateException("feed entry " + row.getLong("sequence") + " is unreadable", e);
                        }
                    }
                    return out;
                });
    }

    private static String certificateId(WatchCertificationChangesResponse entry) {
        return entry.hasCertificate() ? entry.getCertificate().getCertificateId() : null;
    }

    private static String robotId(WatchCertificationChangesResponse entry) {
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
