package io.robotid.kit.feed;

import java.time.Duration;
import java.util.List;

import io.robotid.kit.security.ServiceToken;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * A follower whose effects are rows in its own database (identity's retirements, certification's
 * re-validation marks): each entry is verified, then the effects of a batch of entries and the position
 * ({@link FeedPositions}, consumer {@code consumer}) are written in one transaction, in order. The position moves only forward,
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

    /** Whether the entry changes anything here (most entries do not, and only move the position). */
    protected abstract boolean hasEffect(E entry);

    /**
     * Writes the effects of a batch's entries that have one ({@link #hasEffect}) and are past the stored position (never
     * empty), in feed order, in the transaction that moves the position past them. Effects that can be written
     * set-based (certification's marks) are written at once; a follower whose effects take locks takes every lock
     * first, since a batch that took them one effect at a time could hold a lock a single-entry writer waits for while
     * it waits for that writer's (a deadlock).
     */
    protected abstract Uni<Void> applyEffects(SqlConnection connection, List<E> entries);

    /** The stored position: the last sequence whose effect is applied. */
    public Uni<Long> position() {
        return FeedPositions.read(database, consumer);
    }

    @Override
    protected Uni<Long> storedPosition() {
        return position().invoke(from -> lastStored = Math.max(lastStored, from));
    }

    /**
     * The entries in order, their effects and the position in one transaction (a follower behind by a fleet's
     * software rollout has a million entries to apply; a commit each held certification's follower at 60 entries
     * a second). Each entry is verified before anything is written: an entry that does not match its seal fails
     * the batch after the entries before it are stored, so that the follower resumes exactly at it.
     */
    @Override
    protected Uni<Void> store(List<E> entries) {
        return applyAll(entries);
    }

    /** {@link #store}: the entries, in order, verified, their effects and the position in one transaction. */
    public Uni<Void> applyAll(List<E> entries) {
        int verified = 0;
        RuntimeException refused = null;
        for (E entry : entries) {
            try {
                verify(entry);
            } catch (RuntimeException e) {
                refused = e;
                break;
            }
            verified++;
        }
        Uni<Boolean> stored = storeVerified(entries.subList(0, verified));
        RuntimeException failure = refused;
        return failure == null ? stored.replaceWithVoid() : stored.chain(() -> Uni.createFrom().failure(failure));
    }

    /**
     * Writes verified entries' effects and moves the position to the last of them, in one transaction. The
     * position row is locked first, so a second replica waits and then skips what this one wrote; entries at or
     * before the stored position change nothing.
     *
     * @return true when this call moved the position
     */
    private Uni<Boolean> storeVerified(List<E> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(false);
        }
        List<E> withEffect = entries.stream().filter(this::hasEffect).toList();
        long last = sequence(entries.get(entries.size() - 1));
        if (withEffect.isEmpty() && last - lastStored < IDLE_CHECKPOINT) {
            return Uni.createFrom().item(false);
        }
        return database.withTransaction(connection -> FeedPositions.lock(connection, consumer).chain(position -> {
            List<E> effective = withEffect.stream().filter(entry -> sequence(entry) > position).toList();
            Uni<Void> applied = effective.isEmpty() ? Uni.createFrom().voidItem() : applyEffects(connection, effective);
            return applied.chain(() -> FeedPositions.advance(connection, consumer, last));
        })).invoke(() -> lastStored = Math.max(lastStored, last));
    }

    /**
     * Applies one entry: verified, then the position moves to it with its effect, in one transaction;
     * nothing happens if the position is there already.
     *
     * @return true when this call moved the position
     */
    public Uni<Boolean> apply(E entry) {
        verify(entry);
        return storeVerified(List.of(entry));
    }
}
