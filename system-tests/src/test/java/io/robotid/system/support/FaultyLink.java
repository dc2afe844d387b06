package io.robotid.system.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process TCP proxy between two services (or a service and its database) that can be made
 * slow or cut while a test runs. The caller is pointed at {@link #port()} instead of the real
 * port (e.g. {@code ROBOTID_FILING_PORT} for identity-service).
 *
 * <ul>
 * <li>{@link #delay(Duration)}: every chunk of bytes, in either direction, is delivered that much
 * later than it arrived (in order; a latency, not a bandwidth cap).</li>
 * <li>{@link #cut()}: every open connection is reset (TCP RST, as a crashed peer or a dropped
 * route looks) and new connections are reset as soon as they are accepted, until
 * {@link #heal()}.</li>
 * </ul>
 */
public final class FaultyLink implements AutoCloseable {
    private static final byte[] END = new byte[0];

    private final int targetPort;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private volatile long delayNanos;
    private volatile boolean cut;

    /** Listens on a free local port and forwards to {@code 127.0.0.1:targetPort}. */
    public FaultyLink(int targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for a link to " + targetPort, e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "faulty-link-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Delivers every chunk {@code latency} after it arrived; zero for none. */
    public FaultyLink delay(Duration latency) {
        delayNanos = latency.toNanos();
        return this;
    }

    /** Resets every open connection and every new one until {@link #heal()}. */
    public FaultyLink cut() {
        cut = true;
        for (Socket socket : open) {
            reset(socket);
        }
        return this;
    }

    /** No more delay, no more resets. */
    public FaultyLink heal() {
        cut = false;
        delayNanos = 0;
        return this;
    }

    /** Connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /** Connections reset by {@link #cut()} so far. */
    public long resets() {
        return resets.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket inbound;
            try {
                inbound = server.accept();
            } catch (IOException closed) {
                return;
            }
            connections.incrementAndGet();
            if (cut) {
                reset(inbound);
                continue;
            }
            Socket outbound = new Socket();
            try {
                outbound.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2_000);
                inbound.setTcpNoDelay(true);
                outbound.setTcpNoDelay(true);
            } catch (IOException refused) {
                // the target is down: the caller sees what it would see without the link
                reset(inbound);
                closeQuietly(outbound);
                continue;
            }
            open.add(inbound);
            open.add(outbound);
            // both directions done (or one reset): close both sockets
            AtomicInteger directions = new AtomicInteger(2);
            Runnable directionDone = () -> {
                if (directions.decrementAndGet() == 0 || inbound.isClosed() || outbound.isClosed()) {
                    closeQuietly(inbound);
                    closeQuietly(outbound);
                    open.remove(inbound);
                    open.remove(outbound);
                }
            };
            pipe(inbound, outbound, directionDone);
            pipe(outbound, inbound, directionDone);
        }
    }

    /** Copies {@code from} to {@code to}: a reader thread queues chunks with their due time, a writer delivers them. */
    private void pipe(Socket from, Socket to, Runnable done) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException | InterruptedException e) {
                // reset or closed: the writer ends the other side
            }
            queue.add(new Chunk(END, System.nanoTime() + delayNanos));
        }, "faulty-link-read");
        Thread writer = new Thread(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.take();
                    long wait = chunk.due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    if (chunk.bytes == END) {
                        break;
                    }
                    out.write(chunk.bytes);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                // the other side is gone
            }
            done.run();
        }, "faulty-link-write");
        reader.setDaemon(true);
        writer.setDaemon(true);
        reader.start();
        writer.start();
    }

    private void reset(Socket socket) {
        try {
            // linger 0: close sends RST instead of FIN, so the peer sees "connection reset"
            socket.setSoLinger(true, 0);
        } catch (SocketException alreadyClosed) {
            // nothing to reset
        }
        closeQuietly(socket);
        open.remove(socket);
        resets.incrementAndGet();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private record Chunk(byte[] bytes, long due) {
    }
}
