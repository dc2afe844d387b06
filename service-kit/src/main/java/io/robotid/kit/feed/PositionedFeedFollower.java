package io.robotid.kit.feed;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.robotid.kit.security.ServiceToken;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * A follower whose effects are rows in its own database (identity's retirements, certification's
 * re-validation marks): each entry is verified, then its effect and the position ({@link FeedPositions},
 * consumer {@code consumer}) are written in one transaction, in order. The position moves only forward,
 * so an entry seen twice (a resumed stream, a second replica) changes nothing the second time. Entries
 * without effect are not written one by one: the position catches up every {@value #IDLE_CHECKPOINT} of
 * them (reading them again after a crash is harmless).
 */
public abstract class PositionedFeedFollower<R, E> extends FeedFollower<R, E> {
    /** Entries without effect between two position writes. */
    public static final int IDLE_CHECKPOINT = 200;

    private final Pool database;
    private final String consumer;
    private volatile long lastStored;

    protected PositionedFeedFollower(ServiceToken token, FeedHealth health, Vertx vertx, Duration firstRetry, Duration maxRetry, Pool database,
            String consumer) {
        super(token, health, vertx, firstRetry, maxRetry);
        this.database = database;
        this.consumer = consumer;
    }

    /** Refuses an entry that must not be applied (one that does not match its seal), before anything is written. */
    protected abstract void verify(E entry);

    /** The entry's effect, written in the transaction that moves the position to it; null when it has none. */
    protected abstract Function<SqlConnection, Uni<Void>> effect(E entry);

    /** The stored position: the last sequence whose effect is applied. */
    public Uni<Long> position() {
        return FeedPositions.read(database, consumer);
    }

    @Override
    protected Uni<Long> storedPosition() {
        return position().invoke(from -> lastStored = Math.max(lastStored, from));
    }

    /** The entries in order, each with its effect and the position in its own transaction. */
    @Override
    protected Uni<Void> store(List<E> entries) {
        Uni<Boolean> chain = Uni.createFrom().item(false);
        for (E entry : entries) {
            chain = chain.chain(() -> apply(entry));
        }
        return chain.replaceWithVoid();
    }

    /**
     * Applies one entry: verified, then the position moves to it with its effect, in one transaction;
     * nothing happens if the position is there already.
     *
     * @return true when this call moved the position
     */
    public Uni<Boolean> apply(E entry) {
        verify(entry);
        long sequence = sequence(entry);
        Function<SqlConnection, Uni<Void>> effect = effect(entry);
        if (effect == null && sequence - lastStored < IDLE_CHECKPOINT) {
            return Uni.createFrom().item(false);
        }
        return database.withTransaction(connection -> FeedPositions.advance(connection, consumer, sequence)
                .call(advanced -> advanced && effect != null ? effect.apply(connection) : Uni.createFrom().voidItem()))
                .invoke(() -> lastStored = Math.max(lastStored, sequence));
    }
}
