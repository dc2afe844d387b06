package io.robotid.certification.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.robotid.certification.domain.RevalidationMark;
import io.robotid.certification.domain.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Re-validation marks: read, and cleared by passing unit-level tests, in the Hibernate session; written by
 * the lifecycle feed follower (LifecycleFollower) on the SQL client.
 */
@ApplicationScoped
public class RevalidationMarkRepository implements PanacheRepositoryBase<RevalidationMark, Long> {

    /** Every mark of the robot, oldest first. */
    public Uni<List<RevalidationMark>> of(String robotId) {
        return list("robotId = ?1 order by id", robotId);
    }

    /**
     * Per tier, the first certificate of a passing unit-level test of the robot dated at or after
     * {@code since}: such a test satisfies a mark of that time at once.
     */
    public Uni<Map<Tier, UUID>> revalidating(SqlConnection connection, String robotId, Collection<Tier> tiers,
            Instant since) {
        return connection.preparedQuery("""
                select distinct on (tier) tier, id from certificate
                where certified_subject = $1 and tier = any($2) and test_date >= $3
                order by tier, seq""")
                .execute(Tuple.of(robotId, tiers.stream().map(Enum::name).toArray(String[]::new),
                        since.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    Map<Tier, UUID> out = new EnumMap<>(Tier.class);
                    rows.forEach(row -> out.put(Tier.valueOf(row.getString("tier")), row.getUUID("id")));
                    return out;
                });
    }

    /** Inserts sealed marks; a mark of a tier for a lifecycle feed entry applied already is skipped. */
    public Uni<Void> insert(SqlConnection connection, List<RevalidationMark> marks) {
        List<Tuple> rows = new ArrayList<>();
        for (RevalidationMark m : marks) {
            rows.add(Tuple.from(Arrays.asList(m.robotId, m.tier.name(), offset(m.since), m.cause, m.lifecycleEventSequence,
                    m.lifecycleEventHash, m.lifecycleFeedSequence, offset(m.markedAt), Buffer.buffer(m.markSealed),
                    m.markHash, offset(m.clearedAt), m.clearedByCertificate,
                    m.clearingSealed == null ? null : Buffer.buffer(m.clearingSealed), m.clearingHash)));
        }
        return connection.preparedQuery("""
                insert into revalidation_mark (robot_id, tier, since, cause, lifecycle_event_sequence, lifecycle_event_hash,
                    lifecycle_feed_sequence, marked_at, mark_sealed, mark_hash, cleared_at, cleared_by_certificate,
                    clearing_sealed, clearing_hash)
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                on conflict (robot_id, tier, lifecycle_feed_sequence) do nothing""")
                .executeBatch(rows).replaceWithVoid();
    }

    /** The robot's open marks, oldest first. */
    public Uni<List<RevalidationMark>> open(SqlConnection connection, String robotId) {
        return connection.preparedQuery("""
                select tier, since, cause, lifecycle_event_sequence, lifecycle_feed_sequence from revalidation_mark
                where robot_id = $1 and cleared_at is null order by id""")
                .execute(Tuple.of(robotId)).map(rows -> {
                    List<RevalidationMark> out = new ArrayList<>();
                    for (Row row : rows) {
                        RevalidationMark m = new RevalidationMark();
                        m.robotId = robotId;
                        m.tier = Tier.valueOf(row.getString("tier"));
                        m.since = row.getOffsetDateTime("since").toInstant();
                        m.cause = row.getString("cause");
                        m.lifecycleEventSequence = row.getLong("lifecycle_event_sequence");
                        m.lifecycleFeedSequence = row.getLong("lifecycle_feed_sequence");
                        out.add(m);
                    }
                    return out;
                });
    }

    private static OffsetDateTime offset(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
