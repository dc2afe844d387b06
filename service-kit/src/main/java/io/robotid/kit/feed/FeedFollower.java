package io.robotid.kit.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.robotid.kit.security.ServiceToken;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Follows one feed of another service (lifecycle's status changes, certification's changes) from the
 * position stored here, for every follower in the registry (geofence's projections, identity's
 * retirements, certification's re-validation marks), in batches: up to {@link #WINDOW}
 * entries are requested ahead (gRPC flow control); whatever has arrived while the previous batch was
 * being stored is stored next, in one transaction together with the new position, and only then applied
 * to memory. After a restart the feed resumes after the last stored entry, so nothing is missed, and an
 * entry seen twice (a resumed stream) is skipped. A failed or ended stream reconnects after a delay that
 * doubles from {@code firstRetry} up to {@code maxRetry}; an UNAUTHENTICATED answer first drops the
 * service's cached token. A follower keeps only what is its own: how it opens the feed, where its position
 * is stored, and how it stores and applies entries.
 *
 * @param <R> the watch request
 * @param <E> a feed entry
 */
public abstract class FeedFollower<R, E> {
    private static final Logger LOG = Logger.getLogger(FeedFollower.class);
    /** Entries requested ahead of what was stored. */
    public static final int WINDOW = 500;

    private final ServiceToken token;
    private final FeedHealth health;
    private final Vertx vertx;
    private final Duration firstRetry;
    private final Duration maxRetry;

    private boolean running;
    private long generation;
    private long timer = -1;
    private int failures;
    private ClientCallStreamObserver<R> call;
    private final List<E> buffer = new ArrayList<>();
    private boolean storing;
    private volatile long applied;
    /** When the follower last stopped having every entry (System.nanoTime); 0 while it has them all. */
    private volatile long behindSince;
    /** Whether it has had every entry at least once since it started. */
    private volatile boolean caughtUpOnce;
    /** Why the last stream ended or could not start; null while streaming. */
    private volatile String trouble;
    /**
     * When the current stream was opened and when it last delivered an entry (System.nanoTime; 0: not open,
     * nothing yet). A refused connection or token fails a stream within milliseconds; one that hangs until
     * its connect timeout counts as open meanwhile (an idle feed sends nothing, so nothing else tells).
     */
    private volatile long openedAt;
    private volatile long lastDelivery;
    /** The changed_at of the last entry applied (epoch millis; 0: unknown). */
    private volatile long lastChangedAt;
    private long evaluator = -1;
    /** A stream quiet this long, with nothing waiting to be stored, has every entry; so has one delivering fresh entries. */
    static final long QUIET_MILLIS = 1000;
    static final long FRESH_MILLIS = 5000;

    protected FeedFollower(ServiceToken token, FeedHealth health, Vertx vertx, Duration firstRetry, Duration maxRetry) {
        this.token = token;
        this.health = health;
        this.vertx = vertx;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
    }

    protected abstract String name();

    /** The stored position: the last sequence applied (0 before any). */
    protected abstract Uni<Long> storedPosition();

    protected abstract void open(String token, long from, ClientResponseObserver<R, E> observer);

    protected abstract long sequence(E entry);

    /** Stores the entries' effects and the new position in one transaction. */
    protected abstract Uni<Void> store(List<E> entries);

    /** When the entry was recorded at its publisher (null when the feed does not say). */
    protected java.time.Instant changedAt(E entry) {
        return null;
    }

    /** A feed entry's protobuf timestamp as an instant (for {@link #changedAt}). */
    protected static java.time.Instant instant(com.google.protobuf.Timestamp t) {
        return java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /** Applies stored entries to memory (nothing, for a follower whose effects are all in the database). */
    protected void apply(List<E> entries) {
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        failures = 0;
        behindSince = System.nanoTime();
        caughtUpOnce = false;
        health.started(this);
        evaluator = vertx.setPeriodic(QUIET_MILLIS / 2, id -> evaluate());
        connect();
    }

    public synchronized void stop() {
        running = false;
        health.stopped(this);
        generation++;
        if (evaluator >= 0) {
            vertx.cancelTimer(evaluator);
            evaluator = -1;
        }
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (call != null) {
            call.cancel("follower stopped", null);
            call = null;
        }
    }

    public synchronized boolean isRunning() {
        return running;
    }

    /** The last sequence applied to memory. */
    public long applied() {
        return applied;
    }


    /**
     * How long since the follower last had every entry: zero while its stream is open and either quiet
     * (nothing delivered for a second and nothing waiting to be stored: the publisher has nothing more) or
     * delivering entries recorded in the last few seconds (live traffic); growing while it is disconnected,
     * cannot sign in, or works through older entries (a backlog).
     */
    public Duration lag() {
        long since = behindSince;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(1, System.nanoTime() - since));
    }

    /** Whether it has had every entry at least once since it started. */
    public boolean caughtUpOnce() {
        return caughtUpOnce;
    }

    /** Decides, twice a second, whether the follower has every entry (see {@link #lag()}). */
    private void evaluate() {
        boolean pending;
        synchronized (buffer) { // before this follower's lock: storeBuffered takes them in that order
            pending = storing || !buffer.isEmpty();
        }
        evaluate(pending);
    }

    private synchronized void evaluate(boolean pending) {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        long opened = openedAt;
        boolean open = call != null && opened != 0 && now - opened >= QUIET_MILLIS * 1_000_000;
        boolean quiet = !pending && now - Math.max(lastDelivery, opened) >= QUIET_MILLIS * 1_000_000;
        long changed = lastChangedAt;
        boolean fresh = changed > 0 && System.currentTimeMillis() - changed <= FRESH_MILLIS;
        if (open && (quiet || fresh)) {
            behindSince = 0;
            caughtUpOnce = true;
            trouble = null;
        } else {
            behind();
        }
    }

    /** Why the feed's last stream ended or could not start (null while it streams). */
    public String trouble() {
        return trouble;
    }

    private void behind() {
        if (behindSince == 0) {
            behindSince = System.nanoTime();
        }
    }

    private synchronized void connect() {
        timer = -1;
        if (!running) {
            return;
        }
        long current = ++generation;
        storedPosition().chain(from -> token.get().onFailure().invoke(this::signInFailed).map(t -> new Object[] {from, t}))
                .subscribe().with(
                start -> open(current, (Long) start[0], (String) start[1]), failure -> ended(current, failure));
    }

    private void signInFailed(Throwable failure) {
        String before = trouble;
        trouble = failure.getMessage();
        if (!trouble.equals(before)) { // said once, not at every reconnect
            LOG.errorf("the %s feed cannot be followed: %s", name(), trouble);
        }
    }

    private synchronized void open(long current, long from, String accessToken) {
        if (current != generation || !running) {
            return;
        }
        applied = Math.max(applied, from);
        synchronized (buffer) {
            buffer.clear();
        }
        LOG.infof("following the %s feed from sequence %d", name(), from);
        openedAt = System.nanoTime();
        lastDelivery = 0;
        open(accessToken, from, new ClientResponseObserver<R, E>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<R> stream) {
                synchronized (FeedFollower.this) {
                    call = stream;
                }
                stream.disableAutoRequestWithInitial(WINDOW);
            }

            @Override
            public void onNext(E entry) {
                lastDelivery = System.nanoTime();
                boolean startStoring;
                synchronized (buffer) {
                    buffer.add(entry);
                    startStoring = !storing;
                    storing = true;
                }
                if (startStoring) {
                    storeBuffered(current);
                }
            }

            @Override
            public void onError(Throwable failure) {
                ended(current, failure);
            }

            @Override
            public void onCompleted() {
                ended(current, null);
            }
        });
    }

    private void storeBuffered(long current) {
        List<E> batch;
        synchronized (buffer) {
            batch = new ArrayList<>(buffer.size());
            for (E e : buffer) {
                if (sequence(e) > applied) {
                    batch.add(e);
                }
            }
            int received = buffer.size();
            buffer.clear();
            if (batch.isEmpty()) {
                storing = false;
                request(current, received);
                return;
            }
            batch = List.copyOf(batch);
            final int ask = received;
            final List<E> toStore = batch;
            store(toStore).subscribe().with(ok -> {
                apply(toStore);
                applied = sequence(toStore.get(toStore.size() - 1));
                java.time.Instant changed = changedAt(toStore.get(toStore.size() - 1));
                lastChangedAt = changed == null ? 0 : changed.toEpochMilli();
                failures = 0;
                request(current, ask);
                boolean more;
                synchronized (buffer) {
                    more = !buffer.isEmpty();
                    storing = more;
                }
                if (more) {
                    storeBuffered(current);
                }
            }, failure -> {
                LOG.warnf("%s feed entries up to %d could not be stored: %s", name(), sequence(toStore.get(toStore.size() - 1)),
                        failure.getMessage());
                synchronized (buffer) {
                    storing = false;
                    buffer.clear();
                }
                cancel(current, failure);
            });
        }
    }

    private synchronized void request(long current, int n) {
        if (current == generation && call != null) {
            call.request(n);
        }
    }

    private synchronized void cancel(long current, Throwable failure) {
        if (current == generation && call != null) {
            call.cancel("feed entries could not be stored", failure);
        }
    }

    private synchronized void ended(long current, Throwable failure) {
        if (current != generation || !running) {
            return;
        }
        call = null;
        openedAt = 0;
        behind();
        if (failure != null && Status.fromThrowable(failure).getCode() == Status.Code.UNAUTHENTICATED) {
            token.forget();
        }
        if (failure == null) {
            trouble = "the stream ended";
        } else if (!(failure instanceof ServiceToken.SignInFailed)) {
            trouble = "the stream failed: " + failure;
        }
        failures++;
        long delay = Math.min(maxRetry.toMillis(), firstRetry.toMillis() * (1L << Math.min(failures - 1, 20)));
        LOG.infof("the %s feed %s; reconnecting in %d ms", name(), failure == null ? "ended" : "failed: " + failure.getMessage(), delay);
        timer = vertx.setTimer(Math.max(1, delay), id -> connect());
    }
}
