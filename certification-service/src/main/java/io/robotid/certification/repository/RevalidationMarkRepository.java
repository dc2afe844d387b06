package io.robotid.certification.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
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

    /** What a lifecycle feed entry asks: the passing unit-level tests of its robot's re-opened tiers since the change. */
    public record Revalidating(String robotId, Collection<Tier> tiers, Instant since) {
    }

    /**
     * Per question, per tier, the first certificate of a passing unit-level test of the robot dated at or after
     * {@code since} (such a test satisfies a mark of that time at once), for a batch of questions in one statement:
     * the answers in the order of the questions.
     */
    public Uni<List<Map<Tier, UUID>>> revalidating(SqlConnection connection, List<Revalidating> questions) {
        String[] robots = new String[questions.size()];
        OffsetDateTime[] since = new OffsetDateTime[questions.size()];
        Integer[] index = new Integer[questions.size()];
        for (int i = 0; i < questions.size(); i++) {
            index[i] = i;
            robots[i] = questions.get(i).robotId();
            since[i] = questions.get(i).since().atOffset(ZoneOffset.UTC);
        }
        return connection.preparedQuery("""
                select distinct on (q.i, c.tier) q.i, c.tier, c.id
                from unnest($1::int[], $2::text[], $3::timestamptz[]) as q(i, robot, since)
                join certificate c on c.certified_subject = q.robot and c.test_date >= q.since
                order by q.i, c.tier, c.seq""")
                .execute(Tuple.of(index, robots, since))
                .map(rows -> {
                    List<Map<Tier, UUID>> out = new ArrayList<>(questions.size());
                    for (int i = 0; i < questions.size(); i++) {
                        out.add(new EnumMap<>(Tier.class));
                    }
                    for (Row row : rows) {
                        int i = row.getInteger("i");
                        Tier tier = Tier.valueOf(row.getString("tier"));
                        if (questions.get(i).tiers().contains(tier)) {
                            out.get(i).put(tier, row.getUUID("id"));
                        }
                    }
                    return out;
                });
    }

    /**
     * The open marks of several robots, oldest first, each with the lifecycle feed entry that caused it (so that a
     * batch can tell, for each of its entries, what was open after it).
     */
    public Uni<Map<String, List<RevalidationMark>>> open(SqlConnection connection, Collection<String> robotIds) {
        return connection.preparedQuery("""
                select robot_id, tier, since, cause, lifecycle_event_sequence, lifecycle_feed_sequence from revalidation_mark
                where robot_id = any($1) and cleared_at is null order by id""")
                .execute(Tuple.of(robotIds.stream().distinct().toArray(String[]::new))).map(rows -> {
                    Map<String, List<RevalidationMark>> out = new HashMap<>();
                    for (Row row : rows) {
                        RevalidationMark m = new RevalidationMark();
                        m.robotId = row.getString("robot_id");
                        m.tier = Tier.valueOf(row.getString("tier"));
                        m.since = row.getOffsetDateTime("since").toInstant();
                        m.cause = row.getString("cause");
                        m.lifecycleEventSequence = row.getLong("lifecycle_event_sequence");
                        m.lifecycleFeedSequence = row.getLong("lifecycle_feed_sequence");
                        out.computeIfAbsent(m.robotId, k -> new ArrayList<>()).add(m);
                    }
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

    private static OffsetDateTime offset(Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
