package io.robotid.witness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.robotid.evidence.tlog.NoteKey;

/** A witness started in-process on a free port, and an HTTP client for it. */
final class WitnessHarness implements AutoCloseable {
    static final String NAME = "witness-1.robotid.local";
    final Path dir;
    final WitnessConfig config;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    WitnessMain.Running running;

    WitnessHarness(Path dir, List<NoteKey> trusted) throws IOException {
        this.dir = dir;
        StringBuilder logs = new StringBuilder("# the logs this witness cosigns\n\n");
        trusted.forEach(k -> logs.append(k.vkey()).append('\n'));
        Files.writeString(dir.resolve("logs.txt"), logs);
        this.config = new WitnessConfig(NAME, dir.resolve("witness.key"), dir.resolve("state"), dir.resolve("logs.txt"),
                0, "127.0.0.1", 8, false, false);
        start();
    }

    void start() throws IOException {
        running = WitnessMain.start(config);
    }

    void restart() throws IOException {
        running.close();
        start();
    }

    NoteKey witnessKey() {
        return running.witness().verifierKey();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + running.port() + path);
    }

    HttpResponse<String> post(String body) {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(byte[] body) {
        return send(HttpRequest.newBuilder(uri("/add-checkpoint")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET().build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every state file's bytes, by name (the lock file aside). */
    Map<String, String> stateFiles() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir.resolve("state"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!p.getFileName().toString().equals("lock")) {
                    out.put(p.getFileName().toString(), Files.readString(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        running.close();
    }
}
