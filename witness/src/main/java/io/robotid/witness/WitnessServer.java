package io.robotid.witness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The witness over HTTP (the JDK's server): {@code POST /add-checkpoint} (c2sp.org/tlog-witness),
 * {@code GET /<sha256 hex of origin>/checkpoint} (the monitoring endpoint), {@code GET /healthz}.
 * The submission and monitoring prefixes are both the server's root.
 */
public final class WitnessServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WitnessServer.class.getName());
    /** The largest add-checkpoint body accepted; a longer one is answered 413. */
    public static final int MAX_BODY = 64 * 1024;
    /** How much of an oversized body is read (and dropped) before answering, so that the client sees the 413. */
    private static final long MAX_DRAIN = 1 << 20;
    private static final Pattern MONITORING = Pattern.compile("/([0-9a-f]{64})/checkpoint");

    static {
        // the JDK server writes the headers and the body separately: without TCP_NODELAY each answer waits
        // for the client's delayed ACK (about 40 ms). Read once, when the JDK's server is first used.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Witness witness;
    private final HttpServer server;
    private final ExecutorService executor;

    public WitnessServer(Witness witness, InetSocketAddress address, int threads) throws IOException {
        this.witness = witness;
        this.server = HttpServer.create(address, 128);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "witness-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    public WitnessServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Witness.Response r;
            try {
                r = route(ex);
            } catch (IOException e) {
                throw e; // the connection failed: nothing to answer
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath() + ": internal error", e);
                r = Witness.Response.refusal(500, "internal error");
            }
            send(ex, r);
        }
    }

    private Witness.Response route(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        String method = ex.getRequestMethod();
        if (path.equals("/add-checkpoint")) {
            if (!method.equals("POST")) {
                return notAllowed(ex, "POST");
            }
            byte[] body = readBody(ex);
            if (body == null) {
                LOG.info("add-checkpoint refused 413 origin=-: body longer than " + MAX_BODY + " bytes");
                ex.getResponseHeaders().set("Connection", "close");
                return Witness.Response.refusal(413, "add-checkpoint: the body is longer than " + MAX_BODY + " bytes");
            }
            return witness.addCheckpoint(body);
        }
        if (path.equals("/healthz")) {
            if (!method.equals("GET")) {
                return notAllowed(ex, "GET");
            }
            return new Witness.Response(200, Witness.TEXT, "ok\n");
        }
        var m = MONITORING.matcher(path);
        if (m.matches()) {
            if (!method.equals("GET")) {
                return notAllowed(ex, "GET");
            }
            return witness.checkpoint(m.group(1))
                    .map(note -> new Witness.Response(200, Witness.TEXT, note))
                    .orElseGet(() -> Witness.Response.refusal(404, "no checkpoint cosigned for this origin hash"));
        }
        return Witness.Response.refusal(404, "not found: POST /add-checkpoint, GET /<sha256 hex of origin>/checkpoint,"
                + " GET /healthz");
    }

    private static Witness.Response notAllowed(HttpExchange ex, String allowed) {
        ex.getResponseHeaders().set("Allow", allowed);
        return Witness.Response.refusal(405, "method " + Witness.oneLine(ex.getRequestMethod()) + " not allowed: " + allowed);
    }

    /** The body, or null when it is longer than {@link #MAX_BODY}. */
    private static byte[] readBody(HttpExchange ex) throws IOException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        InputStream in = ex.getRequestBody();
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > MAX_BODY) {
                    drain(in);
                    return null;
                }
            } catch (NumberFormatException e) {
                // the server has refused such a request already; read what comes
            }
        }
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            drain(in);
            return null;
        }
        return body;
    }

    private static void drain(InputStream in) throws IOException {
        long left = MAX_DRAIN;
        byte[] buf = new byte[8192];
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
            left -= n;
        }
    }

    private static void send(HttpExchange ex, Witness.Response r) throws IOException {
        byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", r.contentType());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
