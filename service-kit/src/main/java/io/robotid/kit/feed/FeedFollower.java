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
    private volatile boolean caughtUp;
    /** When the follower last stopped having every entry (System.nanoTime); 0 while it has them all. */
    private volatile long behindSince;
    /** Why the last stream ended or could not start; null while streaming. */
    private volatile String trouble;
    /** Whether the last delivery filled the window (more was waiting). */
    private boolean windowFull;
    static final long STREAM_ACCEPTED_MILLIS = 1000;

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
        health.started(this);
        connect();
    }

    public synchronized void stop() {
        running = false;
        health.stopped(this);
        generation++;
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

    /** Whether the stream delivered everything up to now at least once since start. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * How long since the follower last had every entry: zero while its stream is open and the last
     * delivery was less than it asked for; growing while it is disconnected or working through a backlog.
     */
    public Duration lag() {
        long since = behindSince;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(1, System.nanoTime() - since));
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
        // A stream that is still open a second later was accepted: with nothing waiting (no full window
        // since), the follower has every entry. An idle feed sends nothing, so this is the only sign.
        vertx.setTimer(STREAM_ACCEPTED_MILLIS, id -> {
            synchronized (FeedFollower.this) {
                if (current == generation && call != null && !windowFull) {
                    trouble = null;
                    behindSince = 0;
                }
            }
        });
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
            if (n < WINDOW) {
                caughtUp = true; // the server sent less than asked: it had nothing more then
                windowFull = false;
                trouble = null;
                behindSince = 0;
            } else {
                windowFull = true;
                behind();
            }
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
