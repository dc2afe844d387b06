package io.robotid.testkit;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;

/**
 * A real witness process ({@code witness/target/robotid-witness*.jar}, c2sp.org/tlog-witness) with its
 * own key and state directory, trusting the logs whose verifier keys are given. Restartable on the same
 * state, to show that a witness keeps what it cosigned.
 */
public final class WitnessProcess implements AutoCloseable {
    private final String name;
    private final int port;
    private final Path directory;
    private final NoteKey key;
    private Process process;

    private WitnessProcess(String name, int port, Path directory, NoteKey key) {
        this.name = name;
        this.port = port;
        this.directory = directory;
        this.key = key;
    }

    /** Writes a key and the trusted logs into {@code directory} (kept across restarts) and starts the witness. */
    public static WitnessProcess start(String name, int port, Path directory, List<NoteKey> logs) {
        try {
            Files.createDirectories(directory);
            Path keyFile = directory.resolve("witness.key");
            NoteSigner signer = Files.exists(keyFile) ? NoteSigner.parse(Files.readString(keyFile))
                    : NoteSigner.generate(name, NoteKey.COSIGNATURE_V1);
            Files.writeString(keyFile, signer.privateKey() + "\n");
            Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(directory.resolve("logs"), String.join("\n", logs.stream().map(NoteKey::vkey).toList()) + "\n");
            WitnessProcess w = new WitnessProcess(name, port, directory, signer.verifierKey());
            w.restart();
            return w;
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare witness " + name, e);
        }
    }

    /** Starts the witness again on its state (after {@link #kill} or {@link #close}). */
    public void restart() {
        Path jar = jar();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--name", name,
                "--key-file", directory.resolve("witness.key").toString(), "--state-dir", directory.resolve("state").toString(),
                "--logs", directory.resolve("logs").toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1"));
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("witness.log").toFile()))
                    .directory(new File(directory.toString())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start witness " + name, e);
        }
        awaitHealthy();
    }

    private static Path jar() {
        Path target = ServiceProcess.repositoryRoot().resolve("witness").resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("robotid-witness.*\\.jar")
                    && !p.getFileName().toString().contains("sources")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no witness jar in " + target + ": build the witness module"));
        } catch (IOException e) {
            throw new IllegalStateException(target + " is missing: build the witness module first", e);
        }
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant until = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(until)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("witness " + name + " exited; see " + directory.resolve("witness.log"));
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("witness " + name + " not healthy within 30 s; see " + directory.resolve("witness.log"));
    }

    public String name() {
        return name;
    }

    /** The submission prefix, e.g. {@code http://127.0.0.1:18121}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public NoteKey key() {
        return key;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the witness at once (a crash). */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
