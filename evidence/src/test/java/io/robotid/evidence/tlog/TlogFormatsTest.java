package io.robotid.evidence.tlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.evidence.merkle.MerkleTree;

/** The C2SP formats, checked against the specifications' own examples and Go's golang.org/x/mod vectors. */
class TlogFormatsTest {

    @Test
    void signsAsGoSumdbNoteDoes() {
        // golang.org/x/mod/sumdb/note TestSign
        NoteSigner signer = NoteSigner.parse("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz");
        String text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
        String note = new SignedNote(text, List.of(signer.sign(text))).format();
        assertThat(note).isEqualTo(text + "\n"
                + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");
        assertThat(signer.verifierKey().vkey()).isEqualTo("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
        assertThat(NoteSigner.parse(signer.privateKey()).verifierKey()).isEqualTo(signer.verifierKey());
    }

    @Test
    void verifiesTheSignedNoteSpecificationExample() {
        NoteKey key = NoteKey.parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        SignedNote note = SignedNote.parse("This is an example message.\n\n\u2014 example.com/foo "
                + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");
        assertThat(key.matches(note.signatures().get(0))).isTrue();
        assertThat(key.verify(note.text(), note.signatures().get(0))).isZero();
        SignedNote altered = new SignedNote("This is an example message!\n", note.signatures());
        assertThatThrownBy(() -> key.verify(altered.text(), altered.signatures().get(0)))
                .isInstanceOf(NoteKey.BadSignature.class).hasMessageContaining("example.com/foo");
    }

    @Test
    void refusesMangledVerifierKeys() {
        String vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
        byte[] b = vkey.getBytes();
        for (int i = 0; i < b.length; i++) {
            b[i]++;
            String mangled = new String(b);
            b[i]--;
            if (mangled.equals(vkey)) {
                continue;
            }
            assertThatThrownBy(() -> NoteKey.parse(mangled)).as(mangled).isInstanceOf(MalformedEvidence.class);
        }
        assertThatThrownBy(() -> NoteKey.parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
                .hasMessageContaining("signature type");
    }

    @Test
    void refusesMalformedNotes() {
        assertThatThrownBy(() -> SignedNote.parse("no blank line\n\u2014 a AAAA\n")).hasMessageContaining("blank line");
        assertThatThrownBy(() -> SignedNote.parse("text\n\n")).hasMessageContaining("signature lines");
        assertThatThrownBy(() -> SignedNote.parse("text\n\n- a AAAAAAAA\n")).hasMessageContaining("em dash");
        assertThatThrownBy(() -> SignedNote.parse("text\n\n\u2014 a+b AAAAAAAA\n")).hasMessageContaining("key name");
        assertThatThrownBy(() -> SignedNote.parse("text\n\n\u2014 a !!!\n")).hasMessageContaining("base64");
        assertThatThrownBy(() -> SignedNote.parse("text\n\n\u2014 a AAAA\n")).hasMessageContaining("shorter");
        assertThatThrownBy(() -> SignedNote.parse("te\u0001xt\n\n\u2014 a AAAAAAAA\n")).hasMessageContaining("control character");
        assertThatThrownBy(() -> SignedNote.parse(new byte[] { 'a', (byte) 0xff, '\n', '\n' })).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> SignedNote.parse("a\n\n" + "\u2014 a AAAAAAAA\n".repeat(101))).hasMessageContaining("more than 100");
    }

    @Test
    void checkpointsAreThreeLinesExactly() {
        Checkpoint c = Checkpoint.parse("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
        assertThat(c.origin()).isEqualTo("example.com/behind-the-sofa");
        assertThat(c.size()).isEqualTo(20852163);
        assertThat(c.text()).isEqualTo("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
        assertThatThrownBy(() -> Checkpoint.parse("o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")).hasMessageContaining("leading zeroes");
        assertThatThrownBy(() -> Checkpoint.parse("o\n1\nCsUY\n")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> Checkpoint.parse("o\n1\n")).hasMessageContaining("three lines");
        assertThatThrownBy(() -> Checkpoint.parse("o\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"))
                .isInstanceOf(MalformedEvidence.class);
    }

    @Test
    void cosignaturesSignTheHeaderTimeAndWholeText() {
        NoteSigner witness = NoteSigner.generate("witness.example/w1", NoteKey.COSIGNATURE_V1);
        String text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        SignedNote.Signature s = witness.cosign(text, 1679315147L);
        assertThat(s.signature()).hasSize(72);
        assertThat(witness.verifierKey().verify(text, s)).isEqualTo(1679315147L);
        assertThat(new String(Cosignatures.message(1679315147L, text))).isEqualTo("cosignature/v1\ntime 1679315147\n" + text);
        assertThatThrownBy(() -> witness.verifierKey().verify(text.replace("63", "64"), s)).isInstanceOf(NoteKey.BadSignature.class);
    }

    @Test
    void tilePathsAreAsTlogTilesWritesThem() {
        assertThat(Tiles.indexPath(1234067)).isEqualTo("x001/x234/067");
        assertThat(Tiles.indexPath(0)).isEqualTo("000");
        assertThat(Tiles.indexPath(1000)).isEqualTo("x001/000");
        assertThat(new Tiles.Tile(0, 1234067, 256).path()).isEqualTo("tile/0/x001/x234/067");
        assertThat(new Tiles.Tile(-1, 5, 12).path()).isEqualTo("tile/entries/005.p/12");
        assertThat(Tiles.parse("3/x001/x234/067.p/8")).isEqualTo(new Tiles.Tile(3, 1234067, 8));
        assertThat(Tiles.parse("entries/000")).isEqualTo(new Tiles.Tile(-1, 0, 256));
        for (String bad : List.of("64/000", "01/000", "0/1", "0/x000/001", "0/000.p/0", "0/000.p/256", "0/x1/000", "a/000", "0/", "0",
                "0/x999/x999/x999/x999/x999/x999/999")) {
            assertThatThrownBy(() -> Tiles.parse(bad)).as(bad).isInstanceOf(MalformedEvidence.class);
        }
        // tlog-tiles: a tree of 70,000 leaves
        assertThat(Tiles.widthAt(0, 272, 70000)).isEqualTo(256);
        assertThat(Tiles.widthAt(0, 273, 70000)).isEqualTo(112);
        assertThat(Tiles.widthAt(0, 274, 70000)).isZero();
        assertThat(Tiles.widthAt(1, 0, 70000)).isEqualTo(256);
        assertThat(Tiles.widthAt(1, 1, 70000)).isEqualTo(17);
        assertThat(Tiles.widthAt(2, 0, 70000)).isEqualTo(1);
        assertThat(Tiles.widthAt(1, 0, 256)).isEqualTo(1);
    }

    static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(MerkleTree.leafHash(("leaf " + i).getBytes()));
        }
        return out;
    }

    static Proofs.SubtreeHashes over(List<byte[]> leaves) {
        return (level, index) -> MerkleTree.root(leaves.subList((int) (index << level), (int) ((index + 1) << level)));
    }

    @Test
    void everyInclusionAndConsistencyProofOfSmallTreesVerifies() {
        List<byte[]> all = leaves(40);
        Proofs.SubtreeHashes hashes = over(all);
        for (int n = 1; n <= all.size(); n++) {
            byte[] root = MerkleTree.root(all.subList(0, n));
            assertThat(Proofs.rootHash(hashes, n)).isEqualTo(root);
            for (int i = 0; i < n; i++) {
                List<byte[]> proof = Proofs.inclusionProof(hashes, i, n);
                assertThat(proof).containsExactlyElementsOf(MerkleTree.auditPath(i, all.subList(0, n)));
                Proofs.verifyInclusion(all.get(i), i, n, proof, root);
            }
            for (int mm = 0; mm <= n; mm++) {
                final int m = mm;
                final int size = n;
                byte[] oldRoot = m == 0 ? Proofs.emptyRoot() : MerkleTree.root(all.subList(0, m));
                List<byte[]> proof = Proofs.consistencyProof(hashes, m, n);
                Proofs.verifyConsistency(m, oldRoot, n, root, proof);
                if (m > 0 && m < n) {
                    byte[] forged = MerkleTree.leafHash("forged".getBytes());
                    assertThatThrownBy(() -> Proofs.verifyConsistency(m, forged, size, root, proof))
                            .isInstanceOf(Proofs.InvalidProof.class);
                    if (!proof.isEmpty()) {
                        List<byte[]> shorter = proof.subList(0, proof.size() - 1);
                        assertThatThrownBy(() -> Proofs.verifyConsistency(m, oldRoot, size, root, shorter))
                                .isInstanceOf(Proofs.InvalidProof.class);
                    }
                }
            }
        }
    }

    @Test
    void aRewrittenHistoryHasNoConsistencyProof() {
        List<byte[]> honest = leaves(20);
        List<byte[]> rewritten = new ArrayList<>(honest);
        rewritten.set(3, MerkleTree.leafHash("rewritten".getBytes()));
        byte[] oldRoot = MerkleTree.root(honest.subList(0, 10));
        byte[] newRoot = MerkleTree.root(rewritten);
        List<byte[]> proof = Proofs.consistencyProof(over(rewritten), 10, 20);
        assertThatThrownBy(() -> Proofs.verifyConsistency(10, oldRoot, 20, newRoot, proof))
                .hasMessageContaining("rewritten");
    }

    @Test
    void witnessPoliciesCountTheQuorum() {
        NoteSigner log = NoteSigner.generate("registry.example/robotid/lifecycle", NoteKey.ED25519);
        List<NoteSigner> witnesses = List.of(NoteSigner.generate("w1.example", NoteKey.COSIGNATURE_V1),
                NoteSigner.generate("w2.example", NoteKey.COSIGNATURE_V1), NoteSigner.generate("w3.example", NoteKey.COSIGNATURE_V1));
        String policyText = WitnessPolicy.format(List.of(new WitnessPolicy.Log(log.verifierKey(), java.util.Optional.empty())),
                witnesses.stream().map(w -> new WitnessPolicy.Witness(w.name().replace(".example", ""), w.verifierKey(),
                        java.util.Optional.empty())).toList(), 2);
        WitnessPolicy policy = WitnessPolicy.parse(policyText);
        String text = new Checkpoint(log.name(), 5, MerkleTree.root(leaves(5))).text();
        SignedNote signed = new SignedNote(text, List.of(log.sign(text)));
        assertThatThrownBy(() -> policy.verify(signed.format())).hasMessageContaining("quorum is not met (cosigned by none)");
        SignedNote once = signed.withSignature(witnesses.get(0).cosign(text, 100));
        assertThatThrownBy(() -> policy.verify(once.format())).hasMessageContaining("cosigned by w1");
        SignedNote twice = once.withSignature(witnesses.get(2).cosign(text, 101));
        assertThat(policy.verify(twice.format()).cosignedAt()).isEqualTo(Map.of("w1", 100L, "w3", 101L));

        SignedNote.Signature bad = witnesses.get(1).cosign(text.replace("\n5\n", "\n6\n"), 100);
        assertThatThrownBy(() -> policy.verify(twice.withSignature(bad).format())).hasMessageContaining("does not verify");
        NoteSigner other = NoteSigner.generate("registry.example/robotid/lifecycle", NoteKey.ED25519);
        SignedNote foreign = new SignedNote(text, List.of(other.sign(text), witnesses.get(0).cosign(text, 1),
                witnesses.get(1).cosign(text, 1)));
        assertThatThrownBy(() -> policy.verify(foreign.format())).hasMessageContaining("not signed by a log of the policy");

        assertThatThrownBy(() -> WitnessPolicy.parse("log x\nquorum none\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> WitnessPolicy.parse("group g 2 a b\nquorum g\n")).hasMessageContaining("not defined");
        assertThatThrownBy(() -> WitnessPolicy.parse("witness a " + witnesses.get(0).verifierKey().vkey() + "\n"))
                .hasMessageContaining("no quorum");
        assertThatThrownBy(() -> WitnessPolicy.parse("witness a " + log.verifierKey().vkey() + "\nquorum a\n"))
                .hasMessageContaining("cosignature/v1");
    }

    @Test
    void requestBodiesAndProofsRoundTrip() {
        List<byte[]> all = leaves(9);
        AddCheckpoint request = new AddCheckpoint(4, Proofs.consistencyProof(over(all), 4, 9), "o\n9\nroot\n\n\u2014 o sig\n");
        AddCheckpoint parsed = AddCheckpoint.parse(request.format().getBytes());
        assertThat(parsed.oldSize()).isEqualTo(4);
        assertThat(parsed.consistencyProof()).hasSize(request.consistencyProof().size());
        assertThat(parsed.checkpoint()).isEqualTo(request.checkpoint());
        assertThatThrownBy(() -> AddCheckpoint.parse("old 01\n\nx".getBytes())).hasMessageContaining("old <size>");
        assertThatThrownBy(() -> AddCheckpoint.parse(("old 1\n" + "AAAA\n" + "\nx").getBytes())).hasMessageContaining("32-byte");
        String many = "old 1\n" + (java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n").repeat(64) + "\nx";
        assertThatThrownBy(() -> AddCheckpoint.parse(many.getBytes())).hasMessageContaining("more than 63");

        TlogProof proof = new TlogProof("entry".getBytes(), 3, Proofs.inclusionProof(over(all), 3, 9), "o\n9\nr\n\n\u2014 o s\n");
        TlogProof back = TlogProof.parse(proof.format());
        assertThat(back.extra()).isEqualTo("entry".getBytes());
        assertThat(back.index()).isEqualTo(3);
        assertThat(back.inclusionProof()).hasSize(proof.inclusionProof().size());
        assertThat(back.checkpoint()).isEqualTo(proof.checkpoint());
        assertThat(proof.format()).startsWith("c2sp.org/tlog-proof@v1\nextra ZW50cnk=\nindex 3\n");
        assertThatThrownBy(() -> TlogProof.parse("c2sp.org/tlog-proof@v2\nindex 1\n\nx")).hasMessageContaining("first line");
        assertThatThrownBy(() -> TlogProof.parse("c2sp.org/tlog-proof@v1\nindex -1\n\nx")).hasMessageContaining("index");
    }
}
