package io.robotid.system.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import io.grpc.Status;
import io.robotid.testkit.ServiceProcess;

/**
 * What a load did, per operation: how many calls ended with which gRPC status, and the latency
 * distribution of the successful ones (HdrHistogram, microseconds). Printed, and written to
 * {@code system-tests/target/reliability/<name>.txt} for RELIABILITY.md.
 */
public final class LoadReport {
    private final String name;
    private final Map<String, Histogram> latencies = new ConcurrentSkipListMap<>();
    private final Map<String, Map<Status.Code, LongAdder>> outcomes = new ConcurrentSkipListMap<>();
    private final Map<String, LongAdder> notes = new ConcurrentSkipListMap<>();

    public LoadReport(String name) {
        this.name = name;
    }

    /** Runs {@code call}, timing it and counting its outcome; rethrows its failure. */
    public <T> T time(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        try {
            T result = call.get();
            record(operation, System.nanoTime() - start, Status.Code.OK);
            return result;
        } catch (RuntimeException e) {
            record(operation, System.nanoTime() - start, Status.fromThrowable(e).getCode());
            throw e;
        }
    }

    public void record(String operation, long nanos, Status.Code code) {
        outcomes.computeIfAbsent(operation, o -> new ConcurrentHashMap<>()).computeIfAbsent(code, c -> new LongAdder())
                .increment();
        if (code == Status.Code.OK) {
            latencies.computeIfAbsent(operation, o -> new ConcurrentHistogram(60_000_000L, 3))
                    .recordValue(Math.max(1, Math.min(nanos / 1_000, 60_000_000L)));
        }
    }

    /** Counts an event of the run (e.g. a fault injected). */
    public void note(String what) {
        notes.computeIfAbsent(what, w -> new LongAdder()).increment();
    }

    /** Calls of {@code operation} that ended with {@code code}. */
    public long count(String operation, Status.Code code) {
        LongAdder n = outcomes.getOrDefault(operation, Map.of()).get(code);
        return n == null ? 0 : n.sum();
    }

    /** Every status other than OK seen, over all operations. */
    public Map<Status.Code, Long> failures() {
        Map<Status.Code, Long> out = new TreeMap<>();
        outcomes.values().forEach(byCode -> byCode.forEach((code, n) -> {
            if (code != Status.Code.OK) {
                out.merge(code, n.sum(), Long::sum);
            }
        }));
        return out;
    }

    /** The statuses other than OK that calls of {@code operation} ended with. */
    public Map<Status.Code, Long> failures(String operation) {
        Map<Status.Code, Long> out = new TreeMap<>();
        outcomes.getOrDefault(operation, Map.of()).forEach((code, n) -> {
            if (code != Status.Code.OK) {
                out.put(code, n.sum());
            }
        });
        return out;
    }

    public long total() {
        return outcomes.values().stream().flatMap(m -> m.values().stream()).mapToLong(LongAdder::sum).sum();
    }

    /** The table, printed and written to target/reliability/. */
    public String print() {
        StringBuilder out = new StringBuilder();
        out.append("== ").append(name).append('\n');
        out.append(String.format(Locale.ROOT, "%-22s %8s %8s  %-40s %9s %9s %9s %9s%n", "operation", "calls", "ok",
                "failures", "p50 ms", "p95 ms", "p99 ms", "max ms"));
        outcomes.forEach((operation, byCode) -> {
            long calls = byCode.values().stream().mapToLong(LongAdder::sum).sum();
            long ok = byCode.getOrDefault(Status.Code.OK, new LongAdder()).sum();
            StringBuilder failed = new StringBuilder();
            new TreeMap<>(byCode).forEach((code, n) -> {
                if (code != Status.Code.OK) {
                    failed.append(failed.length() == 0 ? "" : ", ").append(code).append(' ').append(n.sum());
                }
            });
            Histogram h = latencies.get(operation);
            out.append(String.format(Locale.ROOT, "%-22s %8d %8d  %-40s %9.1f %9.1f %9.1f %9.1f%n", operation, calls, ok,
                    failed.length() == 0 ? "-" : failed, ms(h, 50), ms(h, 95), ms(h, 99), h == null ? 0 : h.getMaxValue() / 1000.0));
        });
        notes.forEach((what, n) -> out.append(what).append(": ").append(n.sum()).append('\n'));
        System.out.print(out);
        try {
            Path dir = ServiceProcess.repositoryRoot().resolve("system-tests/target/reliability");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".txt"), out.toString());
        } catch (IOException e) {
            System.err.println("cannot write the load report: " + e);
        }
        return out.toString();
    }

    private static double ms(Histogram h, double percentile) {
        return h == null ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
