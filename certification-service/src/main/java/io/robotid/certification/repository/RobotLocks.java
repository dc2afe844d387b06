package io.robotid.certification.repository;

import org.hibernate.reactive.mutiny.Mutiny;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A transaction-scoped advisory lock per robot, taken by the lifecycle follower when it marks a
 * unit's tiers and by a passing unit-level test when it clears them, so neither misses the other.
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

    public static Uni<Void> lock(SqlConnection connection, String robotId) {
        return connection.preparedQuery("select pg_advisory_xact_lock($1, hashtext($2))")
                .execute(Tuple.of(ROBOT_LOCKS, robotId)).replaceWithVoid();
    }
}
