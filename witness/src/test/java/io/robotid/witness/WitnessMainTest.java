package io.robotid.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.robotid.evidence.tlog.MalformedEvidence;
import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;

/** The command line, the key file and the logs file. */
class WitnessMainTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(List<String> args, Map<String, String> env) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WitnessMain.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printVkeyGeneratesAPrivateKeyFileAndPrintsItsVerifierKey() throws Exception {
        Path key = dir.resolve("keys/witness.key");
        Run first = run(List.of("--name", "witness-1.robotid.local", "--key-file", key.toString(), "--print-vkey"), Map.of());
        assertThat(first.code()).as(first.err()).isZero();
        NoteKey vkey = NoteKey.parse(first.out().strip());
        assertThat(first.out()).isEqualTo(vkey.vkey() + "\n");
        assertThat(vkey.name()).isEqualTo("witness-1.robotid.local");
        assertThat(vkey.type()).isEqualTo(NoteKey.COSIGNATURE_V1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith("PRIVATE+KEY+witness-1.robotid.local+");
        assertThat(NoteSigner.parse(Files.readString(key)).verifierKey()).isEqualTo(vkey);

        // again, from the environment and without a name: the same key
        Run second = run(List.of("--print-vkey"), Map.of("WITNESS_KEY_FILE", key.toString()));
        assertThat(second.code()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        // a flag wins over the environment
        Run third = run(List.of("--print-vkey", "--key-file=" + key), Map.of("WITNESS_KEY_FILE", "/nonexistent/k"));
        assertThat(third.out()).isEqualTo(first.out());
    }

    @Test
    void theKeyFileMustHoldACosignerKeyOfTheGivenName() throws Exception {
        Path key = dir.resolve("witness.key");
        KeyFile.loadOrCreate(key, "witness-1.robotid.local");
        assertThatThrownBy(() -> KeyFile.loadOrCreate(key, "witness-2.robotid.local"))
                .hasMessageContaining("witness-1.robotid.local");
        Path logKey = dir.resolve("log.key");
        Files.writeString(logKey, NoteSigner.generate("log.example", NoteKey.ED25519).privateKey());
        assertThatThrownBy(() -> KeyFile.loadOrCreate(logKey, null)).hasMessageContaining("type 0x04");
        Files.writeString(logKey, "not a key");
        assertThatThrownBy(() -> KeyFile.loadOrCreate(logKey, null)).hasMessageContaining("PRIVATE+KEY+");
        assertThatThrownBy(() -> KeyFile.loadOrCreate(dir.resolve("missing.key"), null)).hasMessageContaining("--name");
    }

    @Test
    void configurationErrorsExitWith2AndSayWhat() throws Exception {
        Run r = run(List.of("--name", "w"), Map.of());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--key-file (or WITNESS_KEY_FILE) is required", "usage:");
        r = run(List.of("--key-file", "k", "--state-dir", "s", "--logs", "l", "--port", "http"), Map.of());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--port is a number");
        r = run(List.of("--frobnicate", "1"), Map.of());
        assertThat(r.err()).contains("unknown flag --frobnicate");
        Path logs = dir.resolve("logs.txt");
        Files.writeString(logs, "not a vkey\n");
        r = run(List.of("--name", "w", "--key-file", dir.resolve("k").toString(), "--state-dir", dir.resolve("s").toString(),
                "--logs", logs.toString(), "--port", "0"), Map.of());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("logs line 1");
        assertThat(run(List.of("--help"), Map.of()).out()).contains("--state-dir");
    }

    @Test
    void theConfigurationReadsFlagsThenTheEnvironment() {
        WitnessConfig c = WitnessConfig.parse(List.of("--port", "9000", "--logs=/etc/witness/logs"),
                Map.of("WITNESS_NAME", "w.example", "WITNESS_KEY_FILE", "/k", "WITNESS_STATE_DIR", "/s",
                        "WITNESS_PORT", "1", "WITNESS_LOGS", "/x"));
        assertThat(c.name()).isEqualTo("w.example");
        assertThat(c.keyFile()).isEqualTo(Path.of("/k"));
        assertThat(c.stateDir()).isEqualTo(Path.of("/s"));
        assertThat(c.logsFile()).isEqualTo(Path.of("/etc/witness/logs"));
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.threads()).isEqualTo(8);
    }

    @Test
    void theLogsFileListsCheckpointKeysByOrigin() {
        NoteSigner a = NoteSigner.generate("log.example/a", NoteKey.ED25519);
        NoteSigner a2 = NoteSigner.generate("log.example/a", NoteKey.ED25519);
        NoteSigner b = NoteSigner.generate("log.example/b", NoteKey.ED25519);
        TrustedLogs logs = TrustedLogs.parse("# logs\n\n" + a.verifierKey().vkey() + "\n  " + b.verifierKey().vkey()
                + "  \n" + a2.verifierKey().vkey());
        assertThat(logs.origins()).containsExactlyInAnyOrder("log.example/a", "log.example/b");
        assertThat(logs.keys("log.example/a")).containsExactly(a.verifierKey(), a2.verifierKey());
        assertThat(logs.keys("log.example/c")).isEmpty();
        assertThatThrownBy(() -> TrustedLogs.parse(a.verifierKey().vkey() + "\n" + a.verifierKey().vkey()))
                .isInstanceOf(MalformedEvidence.class).hasMessageContaining("twice");
        NoteSigner cosigner = NoteSigner.generate("w.example", NoteKey.COSIGNATURE_V1);
        assertThatThrownBy(() -> TrustedLogs.parse(cosigner.verifierKey().vkey())).hasMessageContaining("type 0x01");
        assertThatThrownBy(() -> TrustedLogs.parse("\n\nlog.example/a+0000+AAAA")).hasMessageContaining("logs line 3");
    }
}
