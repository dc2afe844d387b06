package io.robotid.certification.repository;

import java.util.Collection;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A transaction-scoped advisory lock per robot, taken by the lifecycle follower when it marks a
 * unit's tiers and by a passing unit-level test when it clears them, so neither misses the other. A test
 * takes one robot's lock and then the feed lock; the follower takes all its batch's robots' locks before the
 * feed lock, so the two never wait for each other in a circle.
 */
public final class RobotLocks {
    /** First key of the two-key advisory lock space, for robots. */
    private static final int ROBOT_LOCKS = 0x524f4254;

    private RobotLocks() {
    }

    public static Uni<Void> lock(Mutiny.Session session, String robotId) {
        return session.createNativeQuery("select 1 from pg_advisory_xact_lock(?1, hashtext(?2))", Integer.class)
                .setParameter(1, ROBOT_LOCKS).setParameter(2, robotId).getSingleResult().replaceWithVoid();
    }

    /**
     * The locks of several robots in one statement, in the order of their IDs (the lifecycle follower's batch
     * takes them all before it marks any, so it never waits for a robot while holding the feed lock).
     */
    public static Uni<Void> lockAll(SqlConnection connection, Collection<String> robotIds) {
        return connection.preparedQuery("""
                select pg_advisory_xact_lock($1, hashtext(robot))
                from (select distinct robot from unnest($2::text[]) as robot order by robot) as robots""")
                .execute(Tuple.of(ROBOT_LOCKS, robotIds.toArray(String[]::new))).replaceWithVoid();
    }
}
