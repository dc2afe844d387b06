package io.robotid.evidence.tlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.robotid.evidence.format.LogEntries;
import io.robotid.evidence.merkle.MerkleTree;

/** The offline verifier's command: verdicts that name what failed, and usage errors, never a stack trace. */
class TlogCommandTest {
    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TlogCommand.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void provesARecordAndRefusesWhatDoesNotFit() throws Exception {
        // a log of 5 entries, its checkpoint cosigned by 2 of 3 witnesses, and the policy
        Path logKey = dir.resolve("log.key");
        String logVkey = run("key", logKey.toString(), "registry.example/robotid/lifecycle").out().strip();
        assertThat(run("key", logKey.toString(), "registry.example/robotid/lifecycle").out().strip())
                .as("an existing key is read, not replaced").isEqualTo(logVkey);
        NoteSigner log = NoteSigner.parse(Files.readString(logKey));
        List<NoteSigner> witnesses = new ArrayList<>();
        List<String> policyArgs = new ArrayList<>(List.of("policy", dir.resolve("policy").toString(), "2", "--log", logVkey));
        for (int i = 1; i <= 3; i++) {
            Path k = dir.resolve("w" + i + ".key");
            String vkey = run("key", k.toString(), "w" + i + ".example", "--cosigner").out().strip();
            witnesses.add(NoteSigner.parse(Files.readString(k)));
            policyArgs.addAll(List.of("--witness", "w" + i, vkey, "http://127.0.0.1:1"));
        }
        assertThat(run(policyArgs.toArray(String[]::new)).status()).isZero();
        byte[] salt = new byte[32];
        byte[] recordHash = MerkleTree.leafHash("the record".getBytes());
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(LogEntries.entry("lifecycle-event", salt, i == 3 ? recordHash : MerkleTree.leafHash(new byte[] { (byte) i })));
        }
        List<byte[]> leaves = entries.stream().map(LogEntries::leafHash).toList();
        String text = new Checkpoint(log.name(), 5, MerkleTree.root(leaves)).text();
        SignedNote note = new SignedNote(text, List.of(log.sign(text), witnesses.get(0).cosign(text, 10), witnesses.get(2).cosign(text, 11)));
        Proofs.SubtreeHashes hashes = (level, index) -> MerkleTree.root(leaves.subList((int) (index << level), (int) ((index + 1) << level)));
        Path proof = dir.resolve("proof");
        Files.writeString(proof, new TlogProof(entries.get(3), 3, Proofs.inclusionProof(hashes, 3, 5), note.format()).format());
        String policy = dir.resolve("policy").toString();
        String hex = java.util.HexFormat.of().formatHex(recordHash);
        String saltHex = java.util.HexFormat.of().formatHex(salt);

        Run ok = run("proof", "--policy", policy, proof.toString(), "--kind", "lifecycle-event", "--salt", saltHex, "--record-hash", hex);
        assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).startsWith("OK: lifecycle-event entry 3 of registry.example/robotid/lifecycle").contains("w1, w3");

        Run otherRecord = run("proof", "--policy", policy, proof.toString(), "--salt", saltHex, "--record-hash", "00".repeat(32));
        assertThat(otherRecord.status()).isEqualTo(1);
        assertThat(otherRecord.out()).startsWith("FAILED: the log entry does not commit to this record");
        assertThat(run("proof", "--policy", policy, proof.toString(), "--kind", "test-result").out())
                .startsWith("FAILED: the log entry is of kind lifecycle-event, not test-result");

        Path onlyOne = dir.resolve("one-witness");
        Files.writeString(onlyOne, new TlogProof(entries.get(3), 3, Proofs.inclusionProof(hashes, 3, 5),
                new SignedNote(text, List.of(log.sign(text), witnesses.get(1).cosign(text, 12))).format()).format());
        assertThat(run("proof", "--policy", policy, onlyOne.toString()).out()).contains("quorum is not met (cosigned by w2)");

        Path wrongIndex = dir.resolve("wrong-index");
        Files.writeString(wrongIndex, new TlogProof(entries.get(3), 2, Proofs.inclusionProof(hashes, 3, 5), note.format()).format());
        assertThat(run("proof", "--policy", policy, wrongIndex.toString()).out()).startsWith("FAILED: inclusion proof");

        Path truncated = dir.resolve("truncated");
        Files.writeString(truncated, Files.readString(proof).substring(0, 40));
        assertThat(run("proof", "--policy", policy, truncated.toString()).out()).startsWith("FAILED: tlog-proof");

        Path checkpoint = dir.resolve("checkpoint");
        Files.writeString(checkpoint, note.format());
        assertThat(run("checkpoint", "--policy", policy, checkpoint.toString()).out())
                .isEqualTo("OK: registry.example/robotid/lifecycle at size 5, cosigned by w1, w3\n");
        Files.writeString(checkpoint, note.format().replace("\n5\n", "\n6\n"));
        assertThat(run("checkpoint", "--policy", policy, checkpoint.toString()).out()).startsWith("FAILED: checkpoint: a signature of");
    }

    @Test
    void usageErrorsSayWhatIsMissing() {
        assertThat(run().status()).isEqualTo(2);
        assertThat(run("proof", "x").err()).contains("--policy FILE");
        assertThat(run("proof", "--policy").err()).contains("--policy needs a value");
        assertThat(run("checkpoint", "--policy", dir.resolve("absent").toString(), "c").err()).contains("cannot read");
        assertThat(run("consistency", "--policy", "p", "a", "b").err()).contains("--log URL");
        assertThat(run("policy", "out").err()).contains("policy OUT QUORUM");
        assertThat(run("key", "only-a-file").err()).contains("key FILE NAME");
        assertThat(run("frobnicate").status()).isEqualTo(2);
        assertThat(WitnessPolicy.format(List.of(), List.of(), 0)).contains("quorum none");
    }
}
