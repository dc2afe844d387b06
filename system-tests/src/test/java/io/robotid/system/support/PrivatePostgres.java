package io.robotid.system.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL cluster of the test's own (Debian's postgresql-common: {@code pg_createcluster},
 * {@code pg_ctlcluster}), so that a test may stop and restart "the database" under load without
 * touching the server every other test uses. Created on first use (trust auth, port
 * {@value #PORT}), dropped by {@link #close()}. Needs the rights to run those tools (root or the
 * postgres user), as CI has.
 */
public final class PrivatePostgres implements AutoCloseable {
    public static final int PORT = 55432;
    static final String CLUSTER = "robotid-chaos";

    private final String version;

    public PrivatePostgres() {
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.map(p -> p.getFileName().toString()).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL under /etc/postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot find the PostgreSQL version (/etc/postgresql)", e);
        }
    }

    /** Creates the cluster if it does not exist, starts it, and creates {@code databases}. */
    public PrivatePostgres start(String... databases) {
        if (!Files.isDirectory(Path.of("/etc/postgresql", version, CLUSTER))) {
            run("pg_createcluster", version, CLUSTER, "-p", Integer.toString(PORT), "--", "--auth=trust");
        }
        if (!accepting()) {
            startServer();
        }
        for (String database : databases) {
            try (Connection c = connect("postgres")) {
                var exists = c.prepareStatement("select 1 from pg_database where datname = ?");
                exists.setString(1, database);
                if (!exists.executeQuery().next()) {
                    c.createStatement().execute("create database " + database);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create database " + database, e);
            }
        }
        return this;
    }

    /** Starts the server and waits until it accepts connections. */
    public void startServer() {
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, CLUSTER, "start");
        awaitReady();
    }

    /** Stops the server at once (fast shutdown: open sessions are ended, as in a real restart). */
    public void stopServer() {
        run("pg_ctlcluster", "--skip-systemctl-redirect", version, CLUSTER, "stop", "-m", "fast");
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + PORT + "/" + database, "postgres", "");
    }

    private boolean accepting() {
        try (Connection c = connect("postgres")) {
            return true;
        } catch (SQLException down) {
            return false;
        }
    }

    private void awaitReady() {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            try (Connection c = connect("postgres")) {
                return;
            } catch (SQLException starting) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("the test's PostgreSQL (port " + PORT + ") did not start");
    }

    private static void run(String... command) {
        List<String> line = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", line) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + line.get(0) + " (Debian's postgresql-common)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops and drops the cluster. */
    @Override
    public void close() {
        run("pg_dropcluster", "--stop", version, CLUSTER);
    }
}
