package io.robotid.evidence.tlog;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The offline verifier and key tool, JDK and BouncyCastle only ({@code bin/robotid verify ...},
 * {@code bin/robotid tlog ...}). Prints a verdict that names what failed; exit status 0 when verified,
 * 1 when refused, 2 on a usage error.
 *
 * <pre>
 * proof       --policy FILE PROOF [--kind K] [--salt HEX --record-hash HEX]
 * checkpoint  --policy FILE CHECKPOINT
 * consistency --policy FILE OLDER NEWER --log URL
 * report      --policy FILE REPORT        (a robot history report, EVIDENCE.md section 12)
 * key         FILE NAME [--cosigner]     (creates the key file if missing; prints its vkey)
 * policy      OUT QUORUM [--log FILE|VKEY]... [--witness NAME VKEY URL]...
 * </pre>
 * A CHECKPOINT, PROOF, OLDER or NEWER argument is a file, or an http(s) URL to fetch.
 */
public final class TlogCommand {
    private TlogCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return usage(err);
        }
        List<String> rest = new ArrayList<>(List.of(args).subList(1, args.length));
        try {
            switch (args[0]) {
                case "proof" -> {
                    WitnessPolicy policy = policy(rest);
                    String kind = option(rest, "--kind").orElse(null);
                    byte[] salt = option(rest, "--salt").map(TlogCommand::hex).orElse(null);
                    byte[] hash = option(rest, "--record-hash").map(TlogCommand::hex).orElse(null);
                    String proof = read(single(rest, "PROOF"));
                    RecordProofs.Proven p = RecordProofs.verify(policy, proof, kind, salt, hash);
                    out.printf("OK: %s entry %d of %s is in the log at size %d, cosigned by %s%s%n", p.entry().kind(),
                            p.index(), p.origin(), p.treeSize(), String.join(", ", p.checkpoint().cosignedAt().keySet()),
                            salt == null ? " (the record itself was not given, only the entry was checked)" : "");
                }
                case "checkpoint" -> {
                    WitnessPolicy policy = policy(rest);
                    WitnessPolicy.Verified v = policy.verify(read(single(rest, "CHECKPOINT")));
                    out.printf("OK: %s at size %d, cosigned by %s%n", v.checkpoint().origin(), v.checkpoint().size(),
                            v.cosignedAt().isEmpty() ? "no witness (quorum none)" : String.join(", ", v.cosignedAt().keySet()));
                }
                case "consistency" -> {
                    String url = option(rest, "--log").orElseThrow(() -> new Usage("--log URL (the log's /tlog prefix) is required"));
                    WitnessPolicy policy = policy(rest);
                    if (rest.size() != 2) {
                        throw new Usage("consistency needs OLDER and NEWER checkpoints");
                    }
                    String older = read(rest.get(0));
                    String newer = read(rest.get(1));
                    long size = policy.verify(newer).checkpoint().size();
                    RecordProofs.verifyConsistency(policy, older, newer, new TileClient(url, size));
                    out.printf("OK: the log grew append-only from %d to %d%n", policy.verify(older).checkpoint().size(), size);
                }
                case "report" -> {
                    WitnessPolicy policy = policy(rest);
                    HistoryReport report = HistoryReport.parse(read(single(rest, "REPORT")));
                    HistoryReports.Verified v = HistoryReports.verify(policy, report);
                    v.lines().forEach(line -> out.println("  " + line));
                    out.printf("OK: the history report of %s: the identity, %d filing record%s, %d event%s and %d"
                            + " certification record%s, every one in its log under a checkpoint the policy accepts; %d shown,"
                            + " %d withheld (only their commitments)%s%n", v.robotId(), v.filingRecords(),
                            v.filingRecords() == 1 ? "" : "s", v.events(), v.events() == 1 ? "" : "s",
                            v.certificationRecords(), v.certificationRecords() == 1 ? "" : "s", v.shown(), v.withheld(),
                            v.eventsComplete() ? "; the events are complete from #1" : "; the events listed are not all of them");
                }
                case "key" -> {
                    boolean cosigner = rest.remove("--cosigner");
                    if (rest.size() != 2) {
                        throw new Usage("key FILE NAME [--cosigner]");
                    }
                    out.println(key(Path.of(rest.get(0)), rest.get(1), cosigner ? NoteKey.COSIGNATURE_V1 : NoteKey.ED25519).vkey());
                }
                case "policy" -> {
                    if (rest.size() < 2) {
                        throw new Usage("policy OUT QUORUM [--log FILE|VKEY]... [--witness NAME VKEY URL]...");
                    }
                    Path target = Path.of(rest.remove(0));
                    int quorum = Integer.parseInt(rest.remove(0));
                    List<WitnessPolicy.Log> logs = new ArrayList<>();
                    List<WitnessPolicy.Witness> witnesses = new ArrayList<>();
                    while (!rest.isEmpty()) {
                        String flag = rest.remove(0);
                        if (flag.equals("--log") && !rest.isEmpty()) {
                            String v = rest.remove(0);
                            NoteKey k = Files.exists(Path.of(v)) ? NoteSigner.parse(Files.readString(Path.of(v))).verifierKey()
                                    : NoteKey.parse(v);
                            logs.add(new WitnessPolicy.Log(k, Optional.empty()));
                        } else if (flag.equals("--witness") && rest.size() >= 3) {
                            witnesses.add(new WitnessPolicy.Witness(rest.remove(0), NoteKey.parse(rest.remove(0)),
                                    Optional.of(rest.remove(0))));
                        } else {
                            throw new Usage("policy: unexpected " + flag);
                        }
                    }
                    String text = WitnessPolicy.format(logs, witnesses, quorum);
                    WitnessPolicy.parse(text);
                    Files.writeString(target, text);
                    out.println("wrote " + target);
                }
                default -> {
                    return usage(err);
                }
            }
            return 0;
        } catch (Usage e) {
            err.println("usage: " + e.getMessage());
            return 2;
        } catch (WitnessPolicy.Rejected | MalformedEvidence | TileClient.InvalidLog | NoteKey.BadSignature e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("cannot read " + e.getMessage() + ": no such file");
            return 2;
        } catch (IOException e) {
            err.println("cannot read: " + e.getMessage());
            return 2;
        } catch (NumberFormatException e) {
            err.println("usage: a number was expected: " + e.getMessage());
            return 2;
        }
    }

    /** The note key in {@code file}, written there first when the file does not exist. */
    public static NoteKey key(Path file, String name, byte type) throws IOException {
        if (Files.exists(file)) {
            NoteSigner signer = NoteSigner.parse(Files.readString(file));
            if (!signer.name().equals(name) || signer.verifierKey().type() != type) {
                throw new Usage(file + " holds the key of " + signer.name() + ", not " + name);
            }
            return signer.verifierKey();
        }
        NoteSigner signer = NoteSigner.generate(name, type);
        signer.writeNew(file);
        return signer.verifierKey();
    }

    private static WitnessPolicy policy(List<String> rest) throws IOException {
        String file = option(rest, "--policy").orElseThrow(() -> new Usage("--policy FILE (a c2sp.org/tlog-policy) is required"));
        return WitnessPolicy.parse(Files.readString(Path.of(file)));
    }

    private static Optional<String> option(List<String> rest, String flag) {
        int i = rest.indexOf(flag);
        if (i < 0) {
            return Optional.empty();
        }
        if (i + 1 >= rest.size()) {
            throw new Usage(flag + " needs a value");
        }
        String v = rest.get(i + 1);
        rest.remove(i + 1);
        rest.remove(i);
        return Optional.of(v);
    }

    private static String single(List<String> rest, String what) {
        if (rest.size() != 1) {
            throw new Usage("one " + what + " (a file or URL) is expected, got " + rest.size() + " arguments");
        }
        return rest.get(0);
    }

    private static byte[] hex(String s) {
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new Usage("'" + s + "' is not hex");
        }
    }

    static String read(String fileOrUrl) throws IOException {
        if (fileOrUrl.startsWith("http://") || fileOrUrl.startsWith("https://")) {
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fileOrUrl)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException(fileOrUrl + " answered " + r.statusCode() + ": " + r.body().strip());
                }
                return r.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        return Files.readString(Path.of(fileOrUrl));
    }

    private static int usage(PrintStream err) {
        err.println("""
                usage: tlog proof       --policy FILE PROOF [--kind K] [--salt HEX --record-hash HEX]
                       tlog checkpoint  --policy FILE CHECKPOINT
                       tlog consistency --policy FILE OLDER NEWER --log URL
                       tlog report      --policy FILE REPORT
                       tlog key         FILE NAME [--cosigner]
                       tlog policy      OUT QUORUM [--log FILE|VKEY]... [--witness NAME VKEY URL]...
                PROOF, CHECKPOINT, OLDER and NEWER are files or http(s) URLs.""");
        return 2;
    }

    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }
}
