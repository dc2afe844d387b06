package io.robotid.witness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.robotid.evidence.tlog.Checkpoint;
import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.SignedNote;

/** The monitoring endpoint, restarts on the same state, and racing submissions. */
class WitnessStateTest {
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

    private String monitoringPath(String origin) {
        return "/" + StateStore.originHash(origin) + "/checkpoint";
    }

    private String cosign(long old, long size) {
        HttpResponse<String> r = witness.post(log.body(old, size));
        assertThat(r.statusCode()).as("old %d -> %d: %s", old, size, r.body()).isEqualTo(200);
        return r.body();
    }

    @Test
    void theMonitoringEndpointServesTheLatestCosignedCheckpoint() {
        assertThat(witness.get(monitoringPath(log.origin)).statusCode()).isEqualTo(404);
        cosign(0, 5);
        String cosignature = cosign(5, 8);

        HttpResponse<String> r = witness.get(monitoringPath(log.origin));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo(log.note(8) + cosignature);
        SignedNote note = SignedNote.parse(r.body());
        assertThat(note.text()).isEqualTo(log.text(8));
        assertThat(log.vkey().verify(note.text(), note.signatures().get(0))).isZero();
        NoteKey w = witness.witnessKey();
        assertThat(w.verify(note.text(), note.signatures().get(1))).isPositive();
        assertThat(Checkpoint.parse(note.text()).size()).isEqualTo(8);

        // another log (trusted, never cosigned), a malformed hash, upper-case hex, other methods
        assertThat(witness.get(monitoringPath(other.origin)).statusCode()).isEqualTo(404);
        assertThat(witness.get(monitoringPath(log.origin).toUpperCase()).statusCode()).isEqualTo(404);
        assertThat(witness.get("/" + StateStore.originHash(log.origin).substring(1) + "/checkpoint").statusCode()).isEqualTo(404);
        assertThat(witness.send(java.net.http.HttpRequest.newBuilder(witness.uri(monitoringPath(log.origin)))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("")).build()).statusCode()).isEqualTo(405);
    }

    @Test
    void aRestartedWitnessKeepsItsStateAndItsKey() throws IOException {
        cosign(0, 5);
        cosign(5, 9);
        String vkey = witness.witnessKey().vkey();
        String served = witness.get(monitoringPath(log.origin)).body();
        List<String> files = List.copyOf(witness.stateFiles().keySet());

        witness.restart();

        assertThat(witness.witnessKey().vkey()).isEqualTo(vkey);
        assertThat(witness.stateFiles().keySet()).containsExactlyElementsOf(files);
        assertThat(witness.get(monitoringPath(log.origin)).body()).isEqualTo(served);
        HttpResponse<String> r = witness.post(log.body(5, 12));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).isEqualTo("9\n");
        assertThat(witness.post(log.body(0, 3)).body()).isEqualTo("9\n");
        assertThat(witness.post(new TestLog(log.origin, log.key, "rewritten").body(9, 12)).statusCode()).isEqualTo(422);
        // the cosignature times never go back either
        long before = witness.witnessKey().verify(log.text(9), SignedNote.parse(served).signatures().get(1));
        String next = cosign(9, 12);
        long after = witness.witnessKey().verify(log.text(12), SignedNote.parse(log.note(12) + next).signatures().get(1));
        assertThat(after).isGreaterThanOrEqualTo(before);

        witness.restart();
        assertThat(witness.post(log.body(9, 12)).body()).isEqualTo("12\n");
        cosign(12, 13);
    }

    @Test
    void aSecondWitnessCannotOpenTheSameStateDirectory() {
        assertThatThrownBy(() -> new StateStore(dir.resolve("state"))).isInstanceOf(IOException.class)
                .hasMessageContaining("in use");
    }

    @Test
    void aStateFileThatDoesNotReadBackStopsTheWitnessFromStarting() throws IOException {
        cosign(0, 5);
        witness.running.close();
        Path file = dir.resolve("state").resolve(StateStore.originHash(log.origin) + ".checkpoint");
        String good = Files.readString(file);
        Files.writeString(file, good.substring(0, good.length() / 2));
        assertThatThrownBy(witness::start).isInstanceOf(IOException.class).hasMessageContaining("does not read back");
        // a leftover temporary file of an interrupted write is dropped, the state kept
        Files.writeString(file, good);
        Files.writeString(dir.resolve("state").resolve(StateStore.originHash(log.origin) + ".tmp"), "half");
        witness.start();
        assertThat(witness.stateFiles()).containsOnlyKeys(StateStore.originHash(log.origin) + ".checkpoint");
        assertThat(witness.post(log.body(0, 5)).body()).isEqualTo("5\n");
    }

    @Test
    void twoRacingRequestsFromTheSameOldSizeNeverBothWin() throws Exception {
        cosign(0, 10);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            long current = 10;
            for (int round = 0; round < 20; round++) {
                long old = current;
                long a = old + 3;
                long b = old + 7;
                String bodyA = log.body(old, a);
                String bodyB = log.body(old, b);
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<HttpResponse<String>> fa = pool.submit(() -> {
                    barrier.await();
                    return witness.post(bodyA);
                });
                Future<HttpResponse<String>> fb = pool.submit(() -> {
                    barrier.await();
                    return witness.post(bodyB);
                });
                HttpResponse<String> ra = fa.get(30, TimeUnit.SECONDS);
                HttpResponse<String> rb = fb.get(30, TimeUnit.SECONDS);
                assertThat(List.of(ra.statusCode(), rb.statusCode())).containsExactlyInAnyOrder(200, 409);
                long winner = ra.statusCode() == 200 ? a : b;
                HttpResponse<String> loser = ra.statusCode() == 200 ? rb : ra;
                assertThat(loser.body()).isEqualTo(winner + "\n");
                assertThat(loser.headers().firstValue("Content-Type")).hasValue("text/x.tlog.size");
                current = winner;
                assertThat(servedSize()).isEqualTo(winner);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private long servedSize() {
        return Checkpoint.parse(SignedNote.parse(witness.get(monitoringPath(log.origin)).body()).text()).size();
    }

    record Win(long old, long size) {
    }

    @Test
    void manyClientsRacingNeverRollTheLogBack() throws Exception {
        int max = 400;
        log.grow(max);
        cosign(0, 1);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Win>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            results.add(pool.submit(() -> {
                Random random = new Random(seed);
                List<Win> wins = new ArrayList<>();
                long known = 1;
                for (int i = 0; i < 30 && known < max; i++) {
                    long size = Math.min(max, known + 1 + random.nextInt(12));
                    HttpResponse<String> r = witness.post(log.body(known, size));
                    if (r.statusCode() == 200) {
                        wins.add(new Win(known, size));
                        known = size;
                    } else {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                        known = Long.parseLong(r.body().strip());
                    }
                }
                return wins;
            }));
        }
        List<Win> wins = new ArrayList<>();
        for (Future<List<Win>> f : results) {
            wins.addAll(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        // the cosigned checkpoints form one chain from size 1: each from the size the previous reached
        wins.sort(Comparator.comparingLong(Win::old));
        long size = 1;
        for (Win w : wins) {
            assertThat(w.old()).as("a cosignature from size %d while the witness was at %d", w.old(), size).isEqualTo(size);
            assertThat(w.size()).isGreaterThan(w.old());
            size = w.size();
        }
        assertThat(wins).hasSizeGreaterThan(threads);
        assertThat(servedSize()).isEqualTo(size);
    }
}
