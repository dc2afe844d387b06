package io.robotid.witness;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

import io.robotid.evidence.tlog.MalformedEvidence;
import io.robotid.evidence.tlog.NoteSigner;

/**
 * Runs a witness: {@code java -jar robotid-witness.jar --name witness-1.robotid.local --key-file
 * witness.key --state-dir state --logs logs.txt --port 8080} (docs/witness.md). With
 * {@code --print-vkey} it prints the witness's verifier key and exits.
 */
public final class WitnessMain {
    private WitnessMain() {
    }

    /** A started witness: its HTTP server and its state store, closed together. */
    public record Running(Witness witness, WitnessServer server, StateStore store) implements AutoCloseable {
        public int port() {
            return server.port();
        }

        @Override
        public void close() throws IOException {
            server.close();
            store.close();
        }
    }

    public static void main(String[] args) throws Exception {
        // one line per log record, before the first logger is used
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
        }
        // a slow client cannot hold a worker forever (the JDK server's limits, in seconds)
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", "30");
        }
        int code = run(List.of(args), System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command line: 0 after {@code --print-vkey} or {@code --help}; otherwise starts the witness
     * and blocks until the JVM shuts down. Returns 2 on a configuration error (the message on {@code err}).
     */
    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        WitnessConfig config;
        try {
            config = WitnessConfig.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("witness: " + e.getMessage());
            err.print(WitnessConfig.USAGE);
            return 2;
        }
        if (config.help()) {
            out.print(WitnessConfig.USAGE);
            return 0;
        }
        if (config.printVkey()) {
            try {
                out.println(KeyFile.loadOrCreate(config.keyFile(), config.name()).verifierKey().vkey());
                return 0;
            } catch (IllegalArgumentException | IOException e) {
                err.println("witness: " + describe(e));
                return 2;
            }
        }
        Running running;
        try {
            running = start(config);
        } catch (IllegalArgumentException | IOException e) {
            err.println("witness: " + describe(e));
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (IOException e) {
                // exiting anyway
            }
            stopped.countDown();
        }, "witness-shutdown"));
        stopped.await();
        return 0;
    }

    /** An exception's message, with its kind when the message alone (a file name) would not say what went wrong. */
    private static String describe(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getClass().getSimpleName() + ": " + f.getMessage();
        }
        return e instanceof IllegalArgumentException || e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Loads the key, the trusted logs and the state, and starts the HTTP server. */
    public static Running start(WitnessConfig config) throws IOException {
        Logger log = Logger.getLogger(WitnessMain.class.getName());
        NoteSigner signer = KeyFile.loadOrCreate(config.keyFile(), config.name());
        TrustedLogs logs;
        try {
            logs = TrustedLogs.read(config.logsFile());
        } catch (MalformedEvidence e) {
            throw new IllegalArgumentException(config.logsFile() + ": " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("logs file " + config.logsFile() + " does not exist", e);
        } catch (IOException e) {
            throw new IOException("logs file " + config.logsFile() + ": " + e, e);
        }
        StateStore store = new StateStore(config.stateDir());
        try {
            Witness witness = new Witness(signer, logs, store);
            WitnessServer server = new WitnessServer(witness, new InetSocketAddress(config.bind(), config.port()),
                    config.threads()).start();
            log.info("witness " + signer.name() + " listening on " + config.bind() + ":" + server.port() + "; vkey "
                    + signer.verifierKey().vkey() + "; " + logs.origins().size() + " trusted log(s): "
                    + String.join(", ", logs.origins()) + "; state in " + store.directory());
            return new Running(witness, server, store);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }
}
