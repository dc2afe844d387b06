package io.robotid.identity.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.identity.domain.HistoryShare;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Share links to history reports, by the SHA-256 of their token. The SQL client, not a Hibernate
 * session: both calls follow a gRPC call to lifecycle-service, off the session's thread.
 */
@ApplicationScoped
public class HistoryShareRepository {
    private final Pool database;

    public HistoryShareRepository(Pool database) {
        this.database = database;
    }

    /** Stores a link; false when the robot has no issued ID. */
    public Uni<Boolean> insert(HistoryShare s) {
        return database.preparedQuery("""
                insert into history_share (token_sha256, robot_id, owner_org_id, created_by, recipient, created_at, expires_at)
                select $1, robot_id, $3, $4, $5, $6, $7 from identity where robot_id = $2""")
                .execute(Tuple.from(new Object[] { s.tokenSha256(), s.robotId(), s.ownerOrgId(), s.createdBy(),
                        s.recipient(), utc(s.createdAt()), utc(s.expiresAt()) }))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<HistoryShare>> find(String tokenSha256) {
        return database.preparedQuery("""
                select token_sha256, robot_id, owner_org_id, created_by, recipient, created_at, expires_at
                from history_share where token_sha256 = $1""").execute(Tuple.of(tokenSha256)).map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new HistoryShare(r.getString("token_sha256"), r.getString("robot_id"),
                            r.getString("owner_org_id"), r.getString("created_by"), r.getString("recipient"),
                            r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("expires_at").toInstant()));
                });
    }

    private static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
