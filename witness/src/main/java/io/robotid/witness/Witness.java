package io.robotid.witness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.robotid.evidence.tlog.AddCheckpoint;
import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.MalformedEvidence;
import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;
import io.robotid.evidence.tlog.Proofs;
import io.robotid.evidence.tlog.SignedNote;

/**
 * The witness of c2sp.org/tlog-witness, without HTTP: {@link #addCheckpoint} checks a request and, when
 * every check passes, records the checkpoint durably and returns the witness's cosignature/v1
 * (c2sp.org/tlog-cosignature). For each trusted log it remembers the latest checkpoint it cosigned and
 * cosigns a new one only when the request's old size is that checkpoint's size and the consistency proof
 * from it verifies: it never cosigns a smaller tree, nor a tree that does not contain the last one.
 *
 * <p>The checks and their answers, in order: body or note or checkpoint malformed 400; origin unknown
 * 404; no valid signature of a trusted key for the origin, or a trusted key's signature that fails 403;
 * old size above the checkpoint's size 400; an empty tree with another root than the empty tree's 422;
 * old size other than the size last cosigned 409 (body: that size); a proof from old size 0 422; the
 * consistency proof fails (a rewritten history, a fork at the same size) 422; else 200. Checking the old
 * size and recording the new checkpoint happen under one lock per origin, so two racing requests cannot
 * roll the log back.
 */
public final class Witness {
    private static final Logger LOG = Logger.getLogger(Witness.class.getName());
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String TLOG_SIZE = "text/x.tlog.size";

    /** An HTTP answer: status, content type and body. */
    public record Response(int status, String contentType, String body) {
        static Response refusal(int status, String reason) {
            return new Response(status, TEXT, oneLine(reason) + "\n");
        }
    }

    /** The latest checkpoint cosigned for a log: its note as served, and the cosignature's time. */
    record Cosigned(Checkpoint checkpoint, SignedNote note, long timestamp) {
    }

    private static final class Refused extends Exception {
        final Response response;
        final String origin;

        Refused(String origin, Response response, String reason) {
            super(reason, null, false, false);
            this.origin = origin;
            this.response = response;
        }

        Refused(String origin, int status, String reason) {
            this(origin, Response.refusal(status, reason), reason);
        }
    }

    private final NoteSigner signer;
    private final TrustedLogs logs;
    private final StateStore store;
    private final LongSupplier clock;
    /** One lock per trusted origin (the set is fixed for the witness's life). */
    private final Map<String, Object> locks = new HashMap<>();
    private final ConcurrentHashMap<String, Cosigned> latest = new ConcurrentHashMap<>();
    /** The served note of each origin by origin hash, for the monitoring endpoint. */
    private final ConcurrentHashMap<String, String> byHash = new ConcurrentHashMap<>();

    /**
     * A witness over the state in {@code store}, cosigning with {@code signer} (a cosignature/v1 key) at
     * the times {@code clock} gives (POSIX seconds). Throws when a stored state does not read back.
     */
    public Witness(NoteSigner signer, TrustedLogs logs, StateStore store, LongSupplier clock) throws IOException {
        if (signer.verifierKey().type() != NoteKey.COSIGNATURE_V1) {
            throw new IllegalArgumentException("a witness signs with a cosignature/v1 key (type 0x04)");
        }
        this.signer = signer;
        this.logs = logs;
        this.store = store;
        this.clock = clock;
        for (String origin : logs.origins()) {
            locks.put(origin, new Object());
        }
        for (Map.Entry<String, byte[]> e : store.readAll().entrySet()) {
            Cosigned c = load(e.getKey(), e.getValue());
            latest.put(c.checkpoint().origin(), c);
            byHash.put(e.getKey(), c.note().format());
        }
    }

    public Witness(NoteSigner signer, TrustedLogs logs, StateStore store) throws IOException {
        this(signer, logs, store, () -> System.currentTimeMillis() / 1000);
    }

    public NoteKey verifierKey() {
        return signer.verifierKey();
    }

    /** The size of the latest checkpoint cosigned for an origin, 0 when none. */
    public long latestSize(String origin) {
        Cosigned c = latest.get(origin);
        return c == null ? 0 : c.checkpoint().size();
    }

    /** The latest cosigned checkpoint of the log whose origin hashes to {@code originHash}, as served. */
    public Optional<String> checkpoint(String originHash) {
        return Optional.ofNullable(byHash.get(originHash));
    }

    private Cosigned load(String hash, byte[] bytes) throws IOException {
        String where = "state file " + hash + StateStore.SUFFIX;
        SignedNote note;
        Checkpoint cp;
        try {
            note = SignedNote.parse(bytes);
            cp = Checkpoint.parse(note.text());
        } catch (MalformedEvidence e) {
            throw new IOException(where + " does not read back: " + e.getMessage());
        }
        if (!StateStore.originHash(cp.origin()).equals(hash)) {
            throw new IOException(where + " holds the checkpoint of another origin (" + cp.origin() + ")");
        }
        long timestamp = 0;
        for (SignedNote.Signature s : note.signatures()) {
            if (signer.verifierKey().matches(s)) {
                try {
                    timestamp = Math.max(timestamp, signer.verifierKey().verify(note.text(), s));
                } catch (NoteKey.BadSignature e) {
                    throw new IOException(where + ": the witness's own cosignature does not verify: " + e.getMessage());
                }
            }
        }
        return new Cosigned(cp, note, timestamp);
    }

    /** Handles the body of a {@code POST add-checkpoint}; never throws on bad input. */
    public Response addCheckpoint(byte[] body) {
        try {
            return cosign(body);
        } catch (Refused r) {
            int status = r.response.status();
            Level level = status == 422 ? Level.WARNING : Level.INFO;
            LOG.log(level, "add-checkpoint refused " + status + " origin=" + printable(r.origin) + ": "
                    + printable(r.getMessage()));
            return r.response;
        }
    }

    private Response cosign(byte[] body) throws Refused {
        if (!validUtf8(body)) {
            throw new Refused(null, 400, "add-checkpoint: the body is not valid UTF-8");
        }
        AddCheckpoint request;
        SignedNote note;
        Checkpoint cp;
        try {
            request = AddCheckpoint.parse(body);
            note = SignedNote.parse(request.checkpoint());
            cp = Checkpoint.parse(note.text());
        } catch (MalformedEvidence e) {
            throw new Refused(null, 400, e.getMessage());
        }
        String origin = cp.origin();
        List<NoteKey> keys = logs.keys(origin);
        if (keys.isEmpty()) {
            throw new Refused(origin, 404, "unknown log origin " + shorten(origin));
        }
        List<SignedNote.Signature> verified = verifiedSignatures(origin, keys, note);
        if (request.oldSize() > cp.size()) {
            throw new Refused(origin, 400, "old size " + request.oldSize() + " is above the checkpoint's size " + cp.size());
        }
        if (cp.size() == 0 && !MessageDigest.isEqual(cp.rootHash(), Proofs.emptyRoot())) {
            throw new Refused(origin, 422, "a checkpoint of size 0 has the empty tree's root hash (SHA-256 of nothing)");
        }
        synchronized (locks.get(origin)) {
            Cosigned current = latest.get(origin);
            long currentSize = current == null ? 0 : current.checkpoint().size();
            if (request.oldSize() != currentSize) {
                throw new Refused(origin, new Response(409, TLOG_SIZE, currentSize + "\n"), "old size "
                        + request.oldSize() + " is not the size last cosigned, " + currentSize);
            }
            if (request.oldSize() == 0) {
                if (!request.consistencyProof().isEmpty()) {
                    throw new Refused(origin, 422, "from old size 0 the consistency proof is empty");
                }
            } else {
                try {
                    Proofs.verifyConsistency(currentSize, current.checkpoint().rootHash(), cp.size(), cp.rootHash(),
                            request.consistencyProof());
                } catch (Proofs.InvalidProof e) {
                    LOG.warning("possible log misbehaviour: " + origin + " signed a checkpoint inconsistent with the one"
                            + " cosigned at size " + currentSize + " (or sent a wrong proof): " + e.getMessage()
                            + "; the checkpoint: " + oneLine(note.format()));
                    throw new Refused(origin, 422, e.getMessage());
                }
            }
            // never earlier than the last cosignature for this log, should the clock step back
            long timestamp = Math.max(Math.max(clock.getAsLong(), current == null ? 0 : current.timestamp()), 1);
            SignedNote.Signature cosignature = signer.cosign(note.text(), timestamp);
            List<SignedNote.Signature> kept = new ArrayList<>(verified);
            kept.add(cosignature);
            SignedNote stored = new SignedNote(note.text(), kept);
            Cosigned next = new Cosigned(cp, stored, timestamp);
            try {
                store.write(origin, stored.format().getBytes(StandardCharsets.UTF_8));
            } catch (StateStore.UncertainWrite e) {
                // the new state may be on disk: from now on hold the log to it, but do not cosign
                remember(origin, next);
                LOG.log(Level.SEVERE, "add-checkpoint of " + origin + ": " + e.getMessage(), e);
                return Response.refusal(500, "the witness could not persist the checkpoint; retry");
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "add-checkpoint of " + origin + ": could not persist the state", e);
                return Response.refusal(500, "the witness could not persist the checkpoint; retry");
            }
            remember(origin, next);
            LOG.fine(() -> "cosigned " + origin + " at size " + cp.size());
            return new Response(200, TEXT, cosignature.line());
        }
    }

    private void remember(String origin, Cosigned next) {
        latest.put(origin, next);
        byHash.put(StateStore.originHash(origin), next.note().format());
    }

    /**
     * The signatures of the origin's trusted keys, all verified; signatures of other keys are ignored
     * (and not kept). Refuses with 403 when one fails or none is there.
     */
    private static List<SignedNote.Signature> verifiedSignatures(String origin, List<NoteKey> keys, SignedNote note)
            throws Refused {
        List<SignedNote.Signature> verified = new ArrayList<>();
        List<NoteKey> seen = new ArrayList<>();
        for (SignedNote.Signature s : note.signatures()) {
            for (NoteKey key : keys) {
                if (key.matches(s)) {
                    try {
                        key.verify(note.text(), s);
                    } catch (NoteKey.BadSignature e) {
                        throw new Refused(origin, 403, "the signature of trusted key " + key.name() + "+"
                                + "%08x".formatted(key.keyId()) + " does not verify");
                    }
                    if (!seen.contains(key)) {
                        seen.add(key);
                        verified.add(s);
                    }
                }
            }
        }
        if (verified.isEmpty()) {
            throw new Refused(origin, 403, "no signature from a key trusted for " + shorten(origin));
        }
        return verified;
    }

    static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String shorten(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** One line, no control characters: safe for a log line or a response body. */
    static String oneLine(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n') {
                out.append("\\n");
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029) {
                out.append("\\u%04x".formatted(c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static String printable(String s) {
        return s == null ? "-" : oneLine(s.length() > 300 ? s.substring(0, 300) + "..." : s);
    }
}
