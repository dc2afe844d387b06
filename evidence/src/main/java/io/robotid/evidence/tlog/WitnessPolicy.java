package io.robotid.evidence.tlog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A transparency log policy (c2sp.org/tlog-policy): the logs it accepts, the witnesses it knows and the
 * quorum of them a checkpoint needs. {@link #verify} checks a cosigned checkpoint against it: signed by
 * a listed log whose key name is the checkpoint's origin, every signature from a known key valid, and
 * enough witnesses' cosignatures for the quorum.
 */
public final class WitnessPolicy {
    /** A witness or a group: what the quorum line and group lines refer to. */
    private sealed interface Member permits WitnessMember, Group {
    }

    private record WitnessMember(String name, NoteKey key, Optional<String> url) implements Member {
    }

    private record Group(String name, int threshold, List<String> members) implements Member {
    }

    /** A log the policy accepts, with its URL when the policy gives one. */
    public record Log(NoteKey key, Optional<String> url) {
    }

    /** A witness the policy knows. */
    public record Witness(String name, NoteKey key, Optional<String> url) {
    }

    /** A checkpoint that satisfies the policy, with the witnesses that cosigned it and when. */
    public record Verified(Checkpoint checkpoint, SignedNote note, Map<String, Long> cosignedAt) {
    }

    private final List<Log> logs;
    private final Map<String, Member> members;
    private final String quorum;

    private WitnessPolicy(List<Log> logs, Map<String, Member> members, String quorum) {
        this.logs = List.copyOf(logs);
        this.members = members;
        this.quorum = quorum;
    }

    public List<Log> logs() {
        return logs;
    }

    public List<Witness> witnesses() {
        List<Witness> out = new ArrayList<>();
        for (Member m : members.values()) {
            if (m instanceof WitnessMember w) {
                out.add(new Witness(w.name(), w.key(), w.url()));
            }
        }
        return out;
    }

    /** Writes a policy: the logs, the witnesses, one group "quorum" of {@code k} of them (or none). */
    public static String format(List<Log> logs, List<Witness> witnesses, int k) {
        StringBuilder out = new StringBuilder("# c2sp.org/tlog-policy: robotid's logs, their witnesses and the quorum\n");
        for (Log l : logs) {
            out.append("log ").append(l.key().vkey()).append(l.url().map(u -> " " + u).orElse("")).append('\n');
        }
        for (Witness w : witnesses) {
            out.append("witness ").append(w.name()).append(' ').append(w.key().vkey())
                    .append(w.url().map(u -> " " + u).orElse("")).append('\n');
        }
        if (k == 0 || witnesses.isEmpty()) {
            out.append("quorum none\n");
        } else {
            out.append("group robotid-witnesses ").append(k);
            witnesses.forEach(w -> out.append(' ').append(w.name()));
            out.append("\nquorum robotid-witnesses\n");
        }
        return out.toString();
    }

    public static WitnessPolicy parse(String text) {
        List<Log> logs = new ArrayList<>();
        Map<String, Member> members = new LinkedHashMap<>();
        Set<String> keys = new HashSet<>();
        String quorum = null;
        int lineNumber = 0;
        for (String raw : text.split("\n", -1)) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String at = "policy line " + lineNumber + ": ";
            String[] f = line.split("[ \t]+");
            switch (f[0]) {
                case "log" -> {
                    if (f.length < 2 || f.length > 3) {
                        throw new MalformedEvidence(at + "log <vkey> [<url>]");
                    }
                    NoteKey key = vkey(at, f[1]);
                    if (key.type() != NoteKey.ED25519) {
                        throw new MalformedEvidence(at + "a log's key is an Ed25519 note key (type 0x01)");
                    }
                    if (!keys.add(java.util.HexFormat.of().formatHex(key.publicKey()))) {
                        throw new MalformedEvidence(at + "duplicate key");
                    }
                    logs.add(new Log(key, f.length == 3 ? Optional.of(f[2]) : Optional.empty()));
                }
                case "witness" -> {
                    if (f.length < 3 || f.length > 4) {
                        throw new MalformedEvidence(at + "witness <name> <vkey> [<url>]");
                    }
                    newName(at, f[1], members);
                    NoteKey key = vkey(at, f[2]);
                    if (key.type() != NoteKey.COSIGNATURE_V1) {
                        throw new MalformedEvidence(at + "a witness's key is a cosignature/v1 key (type 0x04)");
                    }
                    if (!keys.add(java.util.HexFormat.of().formatHex(key.publicKey()))) {
                        throw new MalformedEvidence(at + "duplicate key");
                    }
                    members.put(f[1], new WitnessMember(f[1], key, f.length == 4 ? Optional.of(f[3]) : Optional.empty()));
                }
                case "group" -> {
                    if (f.length < 4) {
                        throw new MalformedEvidence(at + "group <name> all|any|<k> <name>...");
                    }
                    newName(at, f[1], members);
                    List<String> of = List.of(f).subList(3, f.length);
                    if (new HashSet<>(of).size() != of.size()) {
                        throw new MalformedEvidence(at + "a member is listed twice");
                    }
                    for (String m : of) {
                        if (!members.containsKey(m)) {
                            throw new MalformedEvidence(at + "'" + m + "' is not defined on a line above");
                        }
                    }
                    int k = switch (f[2]) {
                        case "all" -> of.size();
                        case "any" -> 1;
                        default -> {
                            if (!f[2].matches("[1-9][0-9]{0,3}") || Integer.parseInt(f[2]) > of.size()) {
                                throw new MalformedEvidence(at + "the threshold is all, any or a decimal from 1 to " + of.size());
                            }
                            yield Integer.parseInt(f[2]);
                        }
                    };
                    members.put(f[1], new Group(f[1], k, of));
                }
                case "quorum" -> {
                    if (f.length != 2) {
                        throw new MalformedEvidence(at + "quorum <name>");
                    }
                    if (quorum != null) {
                        throw new MalformedEvidence(at + "a policy has exactly one quorum line");
                    }
                    if (!f[1].equals("none") && !members.containsKey(f[1])) {
                        throw new MalformedEvidence(at + "'" + f[1] + "' is not defined on a line above");
                    }
                    quorum = f[1];
                }
                default -> throw new MalformedEvidence(at + "unknown keyword '" + SignedNote.shorten(f[0]) + "'");
            }
        }
        if (quorum == null) {
            throw new MalformedEvidence("policy: no quorum line");
        }
        return new WitnessPolicy(logs, members, quorum);
    }

    private static NoteKey vkey(String at, String vkey) {
        try {
            return NoteKey.parse(vkey);
        } catch (MalformedEvidence e) {
            throw new MalformedEvidence(at + e.getMessage());
        }
    }

    private static void newName(String at, String name, Map<String, Member> members) {
        if (name.equals("none") || members.containsKey(name)) {
            throw new MalformedEvidence(at + "the name '" + name + "' is reserved or defined already");
        }
    }

    /**
     * Checks a cosigned checkpoint; throws {@link Rejected} naming what failed: an unknown origin, no
     * valid log signature, a known key's signature that does not verify, or a quorum not met.
     */
    public Verified verify(String signedCheckpoint) {
        SignedNote note;
        Checkpoint checkpoint;
        try {
            note = SignedNote.parse(signedCheckpoint.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            checkpoint = Checkpoint.parse(note.text());
        } catch (MalformedEvidence e) {
            throw new Rejected(e.getMessage());
        }
        boolean logSigned = false;
        Map<String, Long> cosigned = new TreeMap<>();
        for (SignedNote.Signature s : note.signatures()) {
            for (Log l : logs) {
                if (l.key().matches(s)) {
                    // a known key's signature is always checked (signed-note); it counts only for its own origin
                    verifyOrReject(l.key(), note, s);
                    logSigned |= l.key().name().equals(checkpoint.origin());
                }
            }
            for (Member m : members.values()) {
                if (m instanceof WitnessMember w && w.key().matches(s)) {
                    cosigned.put(w.name(), verifyOrReject(w.key(), note, s));
                }
            }
        }
        if (!logSigned) {
            throw new Rejected("checkpoint of " + checkpoint.origin() + ": not signed by a log of the policy with that origin");
        }
        if (!quorum.equals("none") && !witnessed(quorum, cosigned.keySet())) {
            throw new Rejected("checkpoint of " + checkpoint.origin() + " at size " + checkpoint.size()
                    + ": the witness quorum is not met (cosigned by " + (cosigned.isEmpty() ? "none" : String.join(", ", cosigned.keySet())) + ")");
        }
        return new Verified(checkpoint, note, cosigned);
    }

    private static long verifyOrReject(NoteKey key, SignedNote note, SignedNote.Signature s) {
        try {
            return key.verify(note.text(), s);
        } catch (NoteKey.BadSignature e) {
            throw new Rejected("checkpoint: a signature of " + e.getMessage().replaceFirst(": ", " ") + "; the note is rejected");
        }
    }

    private boolean witnessed(String name, Set<String> cosigners) {
        Member m = members.get(name);
        if (m instanceof WitnessMember w) {
            return cosigners.contains(w.name());
        }
        Group g = (Group) m;
        int n = 0;
        for (String member : g.members()) {
            if (witnessed(member, cosigners)) {
                n++;
            }
        }
        return n >= g.threshold();
    }

    /** A checkpoint the policy does not accept; the message says why. */
    public static class Rejected extends RuntimeException {
        public Rejected(String message) {
            super(message);
        }
    }
}
