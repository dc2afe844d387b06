package io.robotid.kit.feed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import io.robotid.kit.error.DomainException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The publishing side of a feed (lifecycle's status changes, certification's changes): every entry after
 * the sequence a follower asks from, in order, then new ones as they commit, read page by page from the
 * feed's table and polled when caught up. A feed's numbers follow commit order, so resuming from the last
 * applied number loses nothing and repeats nothing.
 */
public final class FeedPublisher<E> {
    /** Entries read per query. */
    public static final int PAGE = 500;
    /** How often a caught-up feed looks for new entries. */
    public static final Duration POLL = Duration.ofMillis(200);

    /** The entries after a sequence, at most {@code limit}, in order: a repository's query. */
    @FunctionalInterface
    public interface Pages<E> {
        Uni<List<E>> after(long sequence, int limit);
    }

    private final Pages<E> pages;
    private final ToLongFunction<E> sequenceOf;
    private final int pageSize;
    private final Duration poll;

    public FeedPublisher(Pages<E> pages, ToLongFunction<E> sequenceOf) {
        this(pages, sequenceOf, PAGE, POLL);
    }

    public FeedPublisher(Pages<E> pages, ToLongFunction<E> sequenceOf, int pageSize, Duration poll) {
        this.pages = pages;
        this.sequenceOf = sequenceOf;
        this.pageSize = pageSize;
        this.poll = poll;
    }

    /**
     * The feed from {@code fromSequence} (exclusive) on, never ending; {@code field} names the request
     * field for the error a negative start gets.
     */
    public Multi<E> from(long fromSequence, String field) {
        if (fromSequence < 0) {
            return Multi.createFrom().failure(DomainException.invalidArgument(field,
                    "must be 0 or a feed sequence already received"));
        }
        AtomicLong last = new AtomicLong(fromSequence);
        return Multi.createBy().repeating()
                .uni(() -> pages.after(last.get(), pageSize)
                        .call(page -> page.size() < pageSize
                                ? Uni.createFrom().voidItem().onItem().delayIt().by(poll)
                                : Uni.createFrom().voidItem()))
                .indefinitely()
                .onItem().transformToIterable(page -> page)
                .filter(entry -> sequenceOf.applyAsLong(entry) > last.get())
                .invoke(entry -> last.set(sequenceOf.applyAsLong(entry)));
    }
}
