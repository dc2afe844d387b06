package io.robotid.witness;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The witness's configuration: each setting from its command-line flag ({@code --name X} or
 * {@code --name=X}), else from its environment variable, else its default.
 *
 * <pre>
 * --name        WITNESS_NAME       the key name (e.g. witness-1.robotid.local); needed to generate a key
 * --key-file    WITNESS_KEY_FILE   the private key (Go note format), generated (0600) when missing
 * --state-dir   WITNESS_STATE_DIR  durable state
 * --logs        WITNESS_LOGS       the trusted logs: one log checkpoint vkey a line (origin = key name)
 * --port        WITNESS_PORT       default 8080 (0: any free port)
 * --bind        WITNESS_BIND       the address to listen on, default 0.0.0.0
 * --threads     WITNESS_THREADS    HTTP worker threads, default 8
 * --print-vkey                     print the witness's vkey (generating the key if needed) and exit
 * </pre>
 */
public record WitnessConfig(String name, Path keyFile, Path stateDir, Path logsFile, int port, String bind,
        int threads, boolean printVkey, boolean help) {

    static final String USAGE = """
            usage: java -jar robotid-witness.jar [flags]
              --name NAME        key name of the witness, e.g. witness-1.robotid.local  (WITNESS_NAME)
              --key-file FILE    private key, Go note format; generated with mode 0600 if missing  (WITNESS_KEY_FILE)
              --state-dir DIR    durable state: the latest cosigned checkpoint of each log  (WITNESS_STATE_DIR)
              --logs FILE        trusted logs: one vkey (type 0x01) a line, its key name is the origin  (WITNESS_LOGS)
              --port PORT        HTTP port, default 8080  (WITNESS_PORT)
              --bind ADDRESS     listen address, default 0.0.0.0  (WITNESS_BIND)
              --threads N        HTTP worker threads, default 8  (WITNESS_THREADS)
              --print-vkey       print the witness's verifier key (generating the key if missing) and exit
              --help             this text
            """;

    private static final Map<String, String> ENV = Map.of(
            "name", "WITNESS_NAME",
            "key-file", "WITNESS_KEY_FILE",
            "state-dir", "WITNESS_STATE_DIR",
            "logs", "WITNESS_LOGS",
            "port", "WITNESS_PORT",
            "bind", "WITNESS_BIND",
            "threads", "WITNESS_THREADS");

    /** Reads the flags and the environment; throws IllegalArgumentException naming what is wrong or missing. */
    public static WitnessConfig parse(List<String> args, Map<String, String> env) {
        Map<String, String> flags = new HashMap<>();
        boolean printVkey = false;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--print-vkey")) {
                printVkey = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String key;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else {
                key = a.substring(2);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args.get(++i);
            }
            if (!ENV.containsKey(key)) {
                throw new IllegalArgumentException("unknown flag --" + key);
            }
            flags.put(key, value);
        }
        for (Map.Entry<String, String> e : ENV.entrySet()) {
            String v = env.get(e.getValue());
            if (v != null && !v.isBlank()) {
                flags.putIfAbsent(e.getKey(), v);
            }
        }
        if (help) {
            return new WitnessConfig(null, null, null, null, 0, null, 0, false, true);
        }
        String keyFile = required(flags, "key-file");
        Path state = null;
        Path logs = null;
        if (!printVkey) {
            state = Path.of(required(flags, "state-dir"));
            logs = Path.of(required(flags, "logs"));
        }
        int port = number(flags, "port", 8080, 0, 65535);
        int threads = number(flags, "threads", 8, 1, 256);
        return new WitnessConfig(flags.get("name"), Path.of(keyFile), state, logs, port,
                flags.getOrDefault("bind", "0.0.0.0"), threads, printVkey, false);
    }

    private static String required(Map<String, String> flags, String key) {
        String v = flags.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + key + " (or " + ENV.get(key) + ") is required");
        }
        return v;
    }

    private static int number(Map<String, String> flags, String key, int dflt, int min, int max) {
        String v = flags.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " is a number from " + min + " to " + max + ", not '" + v + "'");
        }
    }
}
