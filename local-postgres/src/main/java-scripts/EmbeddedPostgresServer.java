import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The embedded PostgreSQL of `bin/robotid up` (a single-file program: java -cp 'target/lib/*'
 * EmbeddedPostgresServer.java DATA_DIR PORT WORK_DIR). Starts PostgreSQL from the binaries on the class path
 * with its data in DATA_DIR, kept across runs (created with initdb on first start), listening on
 * 127.0.0.1:PORT with trust authentication for user postgres (a local run only), and runs until the process is
 * told to stop (SIGTERM from `bin/robotid down`), which stops PostgreSQL cleanly (pg_ctl stop, fast).
 */
public class EmbeddedPostgresServer {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EmbeddedPostgresServer DATA_DIR PORT WORK_DIR");
            System.exit(2);
        }
        Path data = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]).toAbsolutePath();
        Files.createDirectories(data);
        // binaries unpacked by a run that stopped half-way cannot be unpacked over: start again from nothing
        Path unpacked = work.resolve(".unpacked");
        if (Files.exists(work) && !Files.exists(unpacked)) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(work);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false) // the registry's data survives `down` / `up`
                .setOverrideWorkingDirectory(new File(work.toString())) // where the binaries are unpacked
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .start();
        if (!Files.exists(unpacked)) {
            Files.createFile(unpacked);
        }
        System.out.println("embedded PostgreSQL ready on 127.0.0.1:" + postgres.getPort() + ", data in " + data);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
                System.out.println("embedded PostgreSQL stopped");
            } catch (Exception e) {
                System.err.println("embedded PostgreSQL did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }));
        stopped.await();
    }
}
