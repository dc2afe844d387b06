package io.robotid.witness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;
import io.robotid.evidence.tlog.SignedNote;
import io.robotid.evidence.tlog.WitnessPolicy;

/** POST /add-checkpoint over real HTTP, each answer of c2sp.org/tlog-witness. */
class AddCheckpointTest {
    @TempDir
    Path dir;
    TestLog log;
    TestLog other;
    WitnessHarness witness;

    @BeforeEach
    void start() throws IOException {
        log = new TestLog("log.robotid.test/lifecycle");
        other = new TestLog("log.robotid.test/other");
        witness = new WitnessHarness(dir, List.of(log.vkey(), other.vkey()));
    }

    @AfterEach
    void stop() throws IOException {
        witness.close();
    }

    private String cosign(long old, long size) {
        HttpResponse<String> r = witness.post(log.body(old, size));
        assertThat(r.statusCode()).as("old %d -> %d: %s", old, size, r.body()).isEqualTo(200);
        return r.body();
    }

    /** A refusal: the status, a one-line text/plain body, and no state changed. */
    private HttpResponse<String> refused(int status, byte[] body) {
        Map<String, String> before = witness.stateFiles();
        HttpResponse<String> r = witness.post(body);
        assertThat(r.statusCode()).as("answer to %s: %s", printable(body), r.body()).isEqualTo(status);
        if (status != 409) {
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
            assertThat(r.body()).matches("[^\n]+\n");
        }
        assertThat(witness.stateFiles()).isEqualTo(before);
        return r;
    }

    private HttpResponse<String> refused(int status, String body) {
        return refused(status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String printable(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8).replace("\n", "\\n");
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private long latestSize() {
        HttpResponse<String> r = witness.get("/" + StateStore.originHash(log.origin) + "/checkpoint");
        return r.statusCode() == 404 ? 0 : Checkpoint.parse(SignedNote.parse(r.body()).text()).size();
    }

    @Test
    void firstCheckpointFromOldZeroIsCosignedAndTheCosignatureVerifies() {
        long before = System.currentTimeMillis() / 1000;
        HttpResponse<String> r = witness.post(log.body(0, 5));
        long after = System.currentTimeMillis() / 1000;

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).startsWith("\u2014 " + WitnessHarness.NAME + " ").endsWith("\n");
        assertThat(r.body().split("\n", -1)).hasSize(2);

        NoteKey key = witness.witnessKey();
        assertThat(key.type()).isEqualTo(NoteKey.COSIGNATURE_V1);
        assertThat(NoteKey.parse(key.vkey())).isEqualTo(key);
        // the client's way: the answer concatenated to the checkpoint is the cosigned note
        SignedNote cosigned = SignedNote.parse(log.note(5) + r.body());
        assertThat(cosigned.signatures()).hasSize(2);
        SignedNote.Signature s = cosigned.signatures().get(1);
        assertThat(key.matches(s)).isTrue();
        assertThat(key.verify(cosigned.text(), s)).isBetween(before, after);
        // and a relying party's policy with this witness as the quorum accepts it
        WitnessPolicy policy = WitnessPolicy.parse("log " + log.vkey().vkey() + "\nwitness w1 " + key.vkey() + "\nquorum w1\n");
        assertThat(policy.verify(cosigned.format()).cosignedAt()).containsOnlyKeys("w1");
        assertThat(latestSize()).isEqualTo(5);
    }

    @Test
    void aGrowingLogIsCosignedAtEachSizeWithItsConsistencyProof() {
        long old = 0;
        for (long size : new long[] { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 127, 128, 129, 200 }) {
            cosign(old, size);
            assertThat(latestSize()).isEqualTo(size);
            old = size;
        }
        // the same checkpoint again (old size = its size, same root): cosigned again
        cosign(200, 200);
        assertThat(latestSize()).isEqualTo(200);
    }

    @Test
    void anEmptyTreeIsCosignedWithTheEmptyRootOnly() {
        cosign(0, 0);
        String text = new Checkpoint(log.origin, 0, MerkleTree.leafHash(new byte[0])).text();
        refused(422, TestLog.body(0, List.of(), new SignedNote(text, List.of(log.key.sign(text))).format()));
        cosign(0, 3);
    }

    @Test
    void aStaleOldSizeIsAnswered409WithTheLatestSize() {
        HttpResponse<String> r = refused(409, log.body(3, 5));
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
        assertThat(r.body()).isEqualTo("0\n");

        cosign(0, 10);
        r = refused(409, log.body(5, 12));
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
        assertThat(r.body()).isEqualTo("10\n");
        assertThat(refused(409, log.body(12, 12)).body()).isEqualTo("10\n");
        assertThat(refused(409, log.body(0, 12)).body()).isEqualTo("10\n");
        cosign(10, 12);
    }

    @Test
    void aRollbackIsRefused() {
        cosign(0, 10);
        refused(400, TestLog.body(10, List.of(), log.note(5))); // old size above the checkpoint's
        assertThat(refused(409, log.body(5, 5)).body()).isEqualTo("10\n");
        assertThat(refused(409, log.body(0, 5)).body()).isEqualTo("10\n");
        assertThat(refused(409, log.body(4, 5)).body()).isEqualTo("10\n");
        assertThat(latestSize()).isEqualTo(10);
        cosign(10, 11);
    }

    @Test
    void aForkAtTheSameSizeIsRefused422() {
        cosign(0, 10);
        TestLog fork = new TestLog(log.origin, log.key, "fork");
        refused(422, fork.body(10, 10));
        // the same root with a proof that has no business being there
        refused(422, TestLog.body(10, List.of(new byte[32]), log.note(10)));
        assertThat(latestSize()).isEqualTo(10);
    }

    @Test
    void aRewrittenHistorySignedWithTheLogsOwnKeyIsRefused422() {
        cosign(0, 10);
        TestLog rewritten = new TestLog(log.origin, log.key, "rewritten");
        // a proof the rewritten tree itself gives: consistent with its own size 10, not with the one cosigned
        refused(422, rewritten.body(10, 16));
        refused(422, rewritten.body(10, 13));
        // the genuine checkpoint with the rewritten tree's proof, and with a tampered proof
        refused(422, TestLog.body(10, rewritten.proof(10, 13), log.note(13)));
        List<byte[]> tampered = new ArrayList<>(log.proof(10, 13));
        tampered.set(0, tampered.get(0).clone());
        tampered.get(0)[0] ^= 1;
        refused(422, TestLog.body(10, tampered, log.note(13)));
        refused(422, TestLog.body(10, log.proof(10, 13).subList(1, log.proof(10, 13).size()), log.note(13)));
        // a proof from old size 0 must be empty
        refused(409, TestLog.body(0, log.proof(5, 13), log.note(13)));
        assertThat(latestSize()).isEqualTo(10);
        cosign(10, 13);
    }

    @Test
    void aProofFromOldSizeZeroIsRefused422() {
        refused(422, TestLog.body(0, log.proof(5, 13), log.note(13)));
        assertThat(witness.stateFiles()).isEmpty();
    }

    @Test
    void anUnknownOriginIs404() {
        TestLog unknown = new TestLog("log.robotid.test/unknown");
        HttpResponse<String> r = refused(404, unknown.body(0, 3));
        assertThat(r.body()).contains("log.robotid.test/unknown");
    }

    @Test
    void aTrustedKeysSignatureThatFailsIs403() {
        cosign(0, 5);
        SignedNote good = log.signed(7);
        SignedNote.Signature sig = good.signatures().get(0);
        byte[] flipped = sig.signature();
        flipped[10] ^= 1;
        SignedNote bad = new SignedNote(good.text(), List.of(new SignedNote.Signature(sig.keyName(), sig.keyId(), flipped)));
        refused(403, TestLog.body(5, log.proof(5, 7), bad.format()));
        // a signature cut short
        SignedNote shortSig = new SignedNote(good.text(),
                List.of(new SignedNote.Signature(sig.keyName(), sig.keyId(), Arrays.copyOf(sig.signature(), 32))));
        refused(403, TestLog.body(5, log.proof(5, 7), shortSig.format()));
        // the signature of another checkpoint on this one
        SignedNote moved = new SignedNote(log.text(7), log.signed(6).signatures());
        refused(403, TestLog.body(5, log.proof(5, 7), moved.format()));
        // a valid signature next to a failing one of the same key: the note is rejected
        SignedNote both = good.withSignature(bad.signatures().get(0));
        refused(403, TestLog.body(5, log.proof(5, 7), both.format()));
        assertThat(latestSize()).isEqualTo(5);
    }

    @Test
    void aCheckpointNotSignedByTheTrustedKeyIs403() {
        cosign(0, 5);
        TestLog impostor = new TestLog(log.origin, NoteSigner.generate(log.origin, NoteKey.ED25519), "");
        HttpResponse<String> r = refused(403, impostor.body(5, 7));
        assertThat(r.body()).contains("no signature");
        // signed by another trusted log's key (another name): not a key of this origin
        String text = log.text(7);
        refused(403, TestLog.body(5, log.proof(5, 7), new SignedNote(text, List.of(other.key.sign(text))).format()));
        // cosigned by the witness itself only
        NoteSigner w = NoteSigner.generate("somebody-else", NoteKey.COSIGNATURE_V1);
        refused(403, TestLog.body(5, log.proof(5, 7), new SignedNote(text, List.of(w.cosign(text, 1))).format()));
    }

    @Test
    void signaturesOfUnknownKeysAreIgnoredAndNotKept() {
        cosign(0, 5);
        String text = log.text(7);
        NoteSigner stranger = NoteSigner.generate(log.origin, NoteKey.ED25519);
        SignedNote note = new SignedNote(text, List.of(stranger.sign(text), log.key.sign(text),
                new SignedNote.Signature("other.witness/w", 1234, new byte[72])));
        HttpResponse<String> r = witness.post(TestLog.body(5, log.proof(5, 7), note.format()));
        assertThat(r.statusCode()).isEqualTo(200);
        String served = witness.get("/" + StateStore.originHash(log.origin) + "/checkpoint").body();
        assertThat(served).isEqualTo(log.note(7) + r.body());
        // the witness's own earlier cosignature, sent back with the checkpoint, is not kept twice
        HttpResponse<String> again = witness.post(TestLog.body(7, List.of(), served));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(witness.get("/" + StateStore.originHash(log.origin) + "/checkpoint").body())
                .isEqualTo(log.note(7) + again.body());
    }

    @Test
    void malformedRequestsAre400AndChangeNothing() {
        cosign(0, 5);
        String note = log.note(9);
        String proof = log.body(5, 9).substring("old 5\n".length(), log.body(5, 9).indexOf("\n\n") + 1);
        String hash = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        List<String> bodies = new ArrayList<>(List.of(
                "",
                "garbage",
                "\n",
                "\n\n",
                "old 5",
                "old 5\n",
                "old 5\n\n",
                "old 05\n" + proof + "\n" + note,
                "old -1\n\n" + note,
                "old 5x\n" + proof + "\n" + note,
                "old  5\n" + proof + "\n" + note,
                "old 5 \n" + proof + "\n" + note,
                "OLD 5\n" + proof + "\n" + note,
                "new 5\n" + proof + "\n" + note,
                "old 99999999999999999999\n" + proof + "\n" + note,
                "old 5\r\n" + proof + "\r\n" + note,
                "old 5\n!!!not base64!!!\n\n" + note,
                "old 5\n" + java.util.Base64.getEncoder().encodeToString(new byte[31]) + "\n\n" + note,
                "old 5\n" + (hash + "\n").repeat(64) + "\n" + note,
                "old 5\n" + proof + "\n" + log.text(9),
                "old 5\n" + proof + "\n" + log.text(9) + "\n",
                "old 5\n" + proof + "\n" + note.replace("\u2014 ", "- "),
                "old 5\n" + proof + "\n" + note.replace("\u2014 ", "\u2014"),
                "old 5\n" + proof + "\n" + note.substring(0, note.length() - 1),
                "old 5\n" + proof + "\n" + note + "\n",
                "old 5\n" + proof + "\n" + note.replace("log.robotid.test/lifecycle\n9", "log.robotid.test/lifecycle\t\n9"),
                "old 12\n\n" + note));
        // checkpoints that are not checkpoints, signed by the trusted key all the same
        for (String text : List.of(log.origin + "\n9\n", log.origin + "\n09\n" + rootB64(9) + "\n",
                log.origin + "\n-9\n" + rootB64(9) + "\n", log.origin + "\n9\n" + rootB64(9).substring(4) + "\n",
                log.origin + "\n9\n" + rootB64(9) + "\n\n", "\n9\n" + rootB64(9) + "\n", log.origin + "\n9\n" + rootB64(9) + "\n\nx\n")) {
            bodies.add("old 5\n" + proof + "\n" + new SignedNote(text, List.of(log.key.sign(text))).format());
        }
        for (String body : bodies) {
            refused(400, body);
        }
        // invalid UTF-8 in the note
        byte[] valid = log.body(5, 9).getBytes(StandardCharsets.UTF_8);
        byte[] invalid = Arrays.copyOf(valid, valid.length + 1);
        invalid[invalid.length - 1] = (byte) 0xff;
        refused(400, invalid);
        byte[] inText = valid.clone();
        inText[valid.length - note.length() + 2] = (byte) 0xc3;
        refused(400, inText);
        // 63 proof lines are allowed (and here do not verify); 64 are not
        refused(422, "old 5\n" + (hash + "\n").repeat(63) + "\n" + note);
        assertThat(latestSize()).isEqualTo(5);
        cosign(5, 9);
    }

    private String rootB64(long size) {
        return java.util.Base64.getEncoder().encodeToString(log.root(size));
    }

    @Test
    void everyTruncationOfAValidRequestIs400() {
        cosign(0, 5);
        byte[] full = log.body(5, 9).getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < full.length; n++) {
            refused(400, Arrays.copyOf(full, n));
        }
        assertThat(latestSize()).isEqualTo(5);
        cosign(5, 9);
    }

    @Test
    void garbageNeverGets500() {
        cosign(0, 5);
        java.util.Random random = new java.util.Random(20260101);
        for (int i = 0; i < 200; i++) {
            byte[] garbage = new byte[random.nextInt(3000)];
            random.nextBytes(garbage);
            refused(400, garbage);
        }
        // one byte of a valid request changed: refused, or (a change base64 decoding ignores) the same checkpoint
        byte[] valid = log.body(5, 9).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 300; i++) {
            byte[] mutated = valid.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
            HttpResponse<String> r = witness.post(mutated);
            assertThat(r.statusCode()).as(printable(mutated)).isIn(200, 400, 403, 404, 409, 422);
            if (r.statusCode() == 200) {
                assertThat(witness.get("/" + StateStore.originHash(log.origin) + "/checkpoint").body())
                        .startsWith(log.note(9));
            }
        }
    }

    @Test
    void anOversizedBodyIs413() {
        cosign(0, 5);
        byte[] big = new byte[WitnessServer.MAX_BODY + 1];
        Arrays.fill(big, (byte) 'A');
        refused(413, big);
        refused(413, new byte[300_000]);
        // without a Content-Length (chunked)
        Map<String, String> before = witness.stateFiles();
        HttpResponse<String> r = witness.send(java.net.http.HttpRequest.newBuilder(witness.uri("/add-checkpoint"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
                .build());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(witness.stateFiles()).isEqualTo(before);
        // exactly the limit is read (and is garbage)
        refused(400, Arrays.copyOf(big, WitnessServer.MAX_BODY));
        cosign(5, 6);
    }

    @Test
    void otherMethodsAndPathsAreRefused() {
        HttpResponse<String> r = witness.get("/add-checkpoint");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
        assertThat(r.body()).matches("[^\n]+\n");
        r = witness.send(java.net.http.HttpRequest.newBuilder(witness.uri("/add-checkpoint"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(log.body(0, 1))).build());
        assertThat(r.statusCode()).isEqualTo(405);
        r = witness.send(java.net.http.HttpRequest.newBuilder(witness.uri("/healthz"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("")).build());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(witness.get("/add-checkpoint/").statusCode()).isEqualTo(404);
        assertThat(witness.get("/").statusCode()).isEqualTo(404);
        assertThat(witness.post("x").statusCode()).isEqualTo(400);
        assertThat(witness.stateFiles()).isEmpty();
        r = witness.get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
    }

    @Test
    void eachRefusalIsLoggedOnOneLineWithItsOriginAndReason() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (records) {
                    records.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(Witness.class.getName());
        logger.addHandler(capture);
        try {
            witness.post(new TestLog("log.robotid.test/unknown").body(0, 3));
            witness.post(log.body(3, 5));
            witness.post("old 1\n\n");
        } finally {
            logger.removeHandler(capture);
        }
        List<String> lines;
        synchronized (records) {
            lines = records.stream().map(LogRecord::getMessage).toList();
        }
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).doesNotContain("\n"));
        assertThat(lines.get(0)).contains("refused 404", "origin=log.robotid.test/unknown", "unknown log origin");
        assertThat(lines.get(1)).contains("refused 409", "origin=" + log.origin, "old size 3", "0");
        assertThat(lines.get(2)).contains("refused 400", "origin=-", "note:");
    }

    @Test
    void aLogWithTwoTrustedKeysIsCosignedUnderEither() throws IOException {
        witness.close();
        NoteSigner rotated = NoteSigner.generate(log.origin, NoteKey.ED25519);
        witness = new WitnessHarness(dir, List.of(log.vkey(), rotated.verifierKey(), other.vkey()));
        cosign(0, 3);
        String text = log.text(6);
        HttpResponse<String> r = witness.post(TestLog.body(3, log.proof(3, 6), new SignedNote(text, List.of(rotated.sign(text))).format()));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(witness.get("/" + StateStore.originHash(log.origin) + "/checkpoint").body())
                .isEqualTo(new SignedNote(text, List.of(rotated.sign(text))).format() + r.body());
    }
}
