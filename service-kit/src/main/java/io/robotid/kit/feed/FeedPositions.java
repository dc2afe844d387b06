package io.robotid.kit.feed;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Where a follower is in a peer's feed: the last sequence whose effect is stored, in the service's
 * {@code feed_position (consumer text primary key, last_sequence bigint, updated_at timestamptz)} table.
 * It moves only forwards and is advanced in the transaction of the effect, so a restart misses nothing
 * and applies nothing twice. The kit's one repository for it (identity's and certification's followers).
 */
public final class FeedPositions {
    private FeedPositions() {
    }

    /** The last applied sequence of {@code consumer}'s feed. */
    public static Uni<Long> read(Pool database, String consumer) {
        return database.preparedQuery("select last_sequence from feed_position where consumer = $1")
                .execute(Tuple.of(consumer)).map(rows -> rows.iterator().next().getLong("last_sequence"));
    }

    /**
     * The last applied sequence of {@code consumer}'s feed, its row locked until the caller's transaction ends
     * (two replicas following one feed apply a batch one after the other).
     */
    public static Uni<Long> lock(SqlConnection connection, String consumer) {
        return connection.preparedQuery("select last_sequence from feed_position where consumer = $1 for update")
                .execute(Tuple.of(consumer)).map(rows -> rows.iterator().next().getLong("last_sequence"));
    }

    /** Moves the position to {@code sequence}, in the caller's transaction; false when it was there already. */
    public static Uni<Boolean> advance(SqlConnection connection, String consumer, long sequence) {
        return connection.preparedQuery("""
                update feed_position set last_sequence = $2, updated_at = now()
                where consumer = $1 and last_sequence < $2""")
                .execute(Tuple.of(consumer, sequence)).map(rows -> rows.rowCount() == 1);
    }
}
