package io.robotid.witness;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.robotid.evidence.merkle.MerkleTree;
import io.robotid.evidence.tlog.AddCheckpoint;
import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;
import io.robotid.evidence.tlog.Proofs;
import io.robotid.evidence.tlog.SignedNote;

/** A transparency log in memory: leaf hashes, its tree, and checkpoints signed with its Ed25519 note key. */
final class TestLog {
    final String origin;
    final NoteSigner key;
    private final String salt;
    final List<byte[]> leaves = new ArrayList<>();

    TestLog(String origin) {
        this(origin, NoteSigner.generate(origin, NoteKey.ED25519), "");
    }

    /** A log with the same key as another but its own leaves (a rewritten history when {@code salt} differs). */
    TestLog(String origin, NoteSigner key, String salt) {
        this.origin = origin;
        this.key = key;
        this.salt = salt;
    }

    TestLog grow(int size) {
        while (leaves.size() < size) {
            leaves.add(MerkleTree.leafHash((origin + " leaf " + leaves.size() + salt).getBytes(StandardCharsets.UTF_8)));
        }
        return this;
    }

    Proofs.SubtreeHashes hashes() {
        return (level, index) -> MerkleTree.root(leaves.subList((int) (index << level), (int) ((index + 1) << level)));
    }

    byte[] root(long size) {
        grow((int) size);
        return Proofs.rootHash(hashes(), size);
    }

    String text(long size) {
        return new Checkpoint(origin, size, root(size)).text();
    }

    SignedNote signed(long size) {
        String text = text(size);
        return new SignedNote(text, List.of(key.sign(text)));
    }

    String note(long size) {
        return signed(size).format();
    }

    List<byte[]> proof(long old, long size) {
        grow((int) size);
        return Proofs.consistencyProof(hashes(), old, size);
    }

    String body(long old, long size) {
        return new AddCheckpoint(old, proof(old, size), note(size)).format();
    }

    static String body(long old, List<byte[]> proof, String note) {
        return new AddCheckpoint(old, proof, note).format();
    }

    NoteKey vkey() {
        return key.verifierKey();
    }

    byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
