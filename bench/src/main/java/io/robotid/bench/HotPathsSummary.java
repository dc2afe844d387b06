package io.robotid.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary table of a hot-path run: each figure with its ratio against its floor and the target of
 * issue 18, from {@code results.properties} and the JMH result files.
 */
final class HotPathsSummary {
    static final String[] SERVICES = { "identity-service", "filing-service", "lifecycle-service", "certification-service",
            "geofence-service" };

    private final Results r;
    private final Map<String, String> options;
    private final List<String[]> rows = new ArrayList<>();

    HotPathsSummary(Results results, Path out, Map<String, String> options) {
        this.r = results;
        this.options = options;
    }

    private void row(String figure, String measured, String ratio, String target, String verdict) {
        rows.add(new String[] { figure, measured, ratio, target, verdict });
    }

    private void section(String title) {
        rows.add(new String[] { title });
    }

    private static String n(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String x(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "n/a" : String.format(Locale.ROOT, "%.2f x", v);
    }

    private static String verdict(double value, boolean met) {
        return Double.isNaN(value) ? "not measured" : met ? "met" : "MISSED";
    }

    String render() throws IOException {
        double floor = r.number("h2load.floor");
        int k = (int) r.number("meta.stream_messages");
        String cxm = String.format(Locale.ROOT, "%.0f x %.0f", r.number("meta.connections"), r.number("meta.streams"));

        section("gRPC on geofence-service, h2load " + cxm + " (connections x streams), best of the rounds");
        double floorFirst = r.number("h2load.floor_first"), floorEnd = r.number("h2load.floor_end");
        row("floor: grpc.health.v1.Health/Check, no token", n(floor) + " calls/s", "1.00 x floor", "(the floor)",
                Double.isNaN(floorEnd) ? "" : "first " + n(floorFirst) + ", at the end " + n(floorEnd));
        double echo = r.number("h2load.echo");
        row("Echo with the robot's token", n(echo) + " calls/s", x(echo / floor) + " floor", ">= 0.8 x floor",
                verdict(echo, echo / floor >= 0.8));
        double allow = r.number("h2load.allow");
        row("CheckPermission ALLOW, the robot's own token", n(allow) + " calls/s", x(allow / floor) + " floor", ">= 0.5 x floor",
                verdict(allow, allow / floor >= 0.5));
        double deny = r.number("h2load.deny");
        row("CheckPermission DENY (prohibited zone), own token", n(deny) + " calls/s", x(deny / floor) + " floor", "-", "");
        double stream1 = r.number("h2load.stream1");
        row("StreamChecks, one stream (" + n(k) + " checks a stream)", n(stream1) + " checks/s", x(stream1 / floor) + " floor", "-",
                "");
        double streams = r.number("h2load.streams");
        row("StreamChecks, " + cxm + " streams", n(streams) + " checks/s", x(streams / floor) + " floor", "-", "");
        double checked = r.number("verify.calls"), ok = r.number("verify.ok");
        row("grpc-status of the same requests sent again", n(ok) + " of " + n(checked) + " OK", "", "all OK",
                verdict(checked, ok == checked && checked > 0));
        double stored = r.number("denials.stored"), answered = r.number("denials.answered_at_least");
        row("denial audit during the DENY runs", n(stored) + " stored", "for >= " + n(answered) + " denied", "every denial stored",
                verdict(stored, stored >= answered));

        section("PostGIS, pgbench on the same polygons");
        double pg = r.number("pgbench.tps");
        row("ST_Covers point query, GiST, -M prepared, " + r.get("pgbench.clients", "8") + " clients", n(pg) + " queries/s", "", "",
                "");
        row("CheckPermission ALLOW vs PostGIS", n(allow) + " / " + n(pg), x(allow / pg) + " PostGIS", ">= 1.5 x PostGIS",
                verdict(allow / pg, allow / pg >= 1.5));

        section("latency, open loop (bench's generator), CheckPermission ALLOW, fixed rates");
        latencyRows("latency", "latency", null, true);

        section("latency, h2load at fixed rates (--rps; each request timed from when h2load wrote it), CheckPermission ALLOW");
        latencyRows("latency_h2load", "latency_h2load", "latency_h2load.floor", true);
        section("latency floor: Health/Check (no token, no work) with h2load at the same rates, just before each");
        latencyRows("latency_h2load.floor", "latency_h2load", null, false);

        section("issuance through gRPC (identity-service)");
        double issued = r.number("issuance.rate"), copy = r.number("issuance.copy");
        row(n(r.number("issuance.ids")) + " IDs against a COPY of as many rows", n(issued) + " IDs/s; COPY " + n(copy) + " rows/s",
                x(copy / issued) + " (COPY / issuance)", "<= 3 x", verdict(issued, copy / issued <= 3));

        section("Ed25519, one thread (JMH): JDK SunEC vs BouncyCastle (io.robotid.evidence.crypto.Ed25519)");
        Map<String, Double> ed = GeofenceBenchmark.jmhScores(options.get("jmh-ed25519"));
        for (String op : List.of("Sign", "Verify")) {
            double jdk = ed.getOrDefault("jdk" + op, Double.NaN), bc = ed.getOrDefault("bc" + op, Double.NaN);
            row(op.toLowerCase(Locale.ROOT), n(jdk) + " /s JDK, " + n(bc) + " /s BouncyCastle", x(bc / jdk) + " (BC / JDK)", "-", "");
        }

        section("geofence-engine alone (JMH, one thread, " + n(r.number("meta.zones")) + " zones)");
        Map<String, Double> wall = GeofenceBenchmark.jmhScores(options.get("jmh-engine"));
        Map<String, Double> cpu = GeofenceBenchmark.jmhCpu(options.get("jmh-engine-cpu"));
        for (String b : List.of("unknownRobot", "certifiedRobot")) {
            double w = wall.getOrDefault(b, Double.NaN), c = cpu.getOrDefault(b, Double.NaN);
            row(b, n(w) + " decisions/s wall; " + n(c) + " per CPU-s", "", ">= 1,000,000 /s/core",
                    verdict(w, Math.max(w, Double.isNaN(c) ? 0 : c) >= 1_000_000));
        }

        section("footprint: RSS after the load (VmRSS; peak VmHWM; its anonymous and file-backed parts, RssAnon / RssFile)");
        for (String s : SERVICES) {
            double rss = r.number("rss." + s);
            double limit = s.equals("geofence-service") ? 700 : 300;
            String label = s + (s.equals("geofence-service") ? " (" + n(r.number("meta.zones")) + " zones)" : "");
            double anon = r.number("rss_anon." + s), file = r.number("rss_file." + s);
            row(label, Double.isNaN(rss) ? "n/a" : String.format(Locale.ROOT, "%,.0f MB (peak %,.0f MB)", rss / 1024,
                    r.number("rss_peak." + s) / 1024), Double.isNaN(anon) ? "" : String.format(Locale.ROOT,
                            "anon %,.0f + files %,.0f MB", anon / 1024, file / 1024), String.format(Locale.ROOT, "< %.0f MB", limit),
                    verdict(rss, rss / 1024 < limit));
        }

        section("start: java -jar to /q/health/ready 200, each service alone (median of the restarts; first start on a fresh database)");
        for (String s : SERVICES) {
            String runs = r.get("start." + s + ".runs");
            double first = r.number("start." + s + ".first");
            double median = median(runs);
            boolean firstOnly = Double.isNaN(median) && !Double.isNaN(first);
            if (firstOnly) {
                median = first; // no restart measured (--start-rounds 1): the first start is the figure
            }
            row(s, (Double.isNaN(median) ? "n/a" : String.format(Locale.ROOT, "%.2f s", median / 1000))
                    + (firstOnly ? " (first start only)" : Double.isNaN(first) ? ""
                            : String.format(Locale.ROOT, " (first %.2f s)", first / 1000)),
                    runs == null ? "" : "restarts: " + Arrays.stream(runs.split(",")).map(ms -> String.format(Locale.ROOT, "%.2f",
                            Double.parseDouble(ms) / 1000)).reduce((a, b) -> a + ", " + b).orElse("") + " s",
                    "< 3 s", verdict(median, median < 3000));
        }
        double withZones = r.number("start.geofence-service.with_zones");
        if (!Double.isNaN(withZones)) {
            row("geofence-service restart with " + n(r.number("meta.zones")) + " zones (others idle)",
                    String.format(Locale.ROOT, "%.2f s", withZones / 1000), "", "-", "");
        }
        return header() + table() + jvm();
    }

    private String jvm() {
        StringBuilder b = new StringBuilder("JVM: " + r.get("meta.service_java", "?") + "; options (bin/robotid's jvm_options and"
                + " class_data_options: the AOT cache on JDK 25+, else the AppCDS archive; ROBOTID_BENCH_JAVA_OPTS):\n");
        for (String s : SERVICES) {
            String o = r.get("meta.jvm." + s);
            b.append(String.format(Locale.ROOT, "  %-22s %s%n", s, o == null || o.isBlank() ? "(JVM defaults)" : o.trim()));
        }
        return b.toString();
    }

    private String header() {
        String mode = r.get("meta.mode", "full");
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n== robotid hot paths: summary == %s run, %s zones, %s s per figure after %s s warm-up,"
                + " %s cores; commit %s; %s%n", mode, n(r.number("meta.zones")), r.get("meta.seconds", "?"),
                r.get("meta.warmup", "?"), r.get("meta.cores", "?"), r.get("meta.commit", "?"), r.get("meta.started", "")));
        b.append(String.format(Locale.ROOT, "load average (1, 5, 15 min): at the start %s; before measuring %s; after %s%n",
                r.get("meta.load_at_start", "?"), r.get("meta.load_before_measuring", "?"), r.get("meta.load_after_measuring", "?")));
        if (!"full".equals(mode)) {
            b.append("(a short run: fewer zones and shorter runs than the issue's figures; compare ratios, not absolute rates)\n");
        }
        return b.toString();
    }

    private String table() {
        int[] width = new int[5];
        for (String[] row : rows) {
            if (row.length == 5) {
                for (int i = 0; i < 5; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
        }
        StringBuilder b = new StringBuilder();
        String format = "  %-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %-" + width[3] + "s  %s%n";
        b.append(String.format(Locale.ROOT, format, "figure", "measured", "ratio", "target", "verdict"));
        for (String[] row : rows) {
            if (row.length == 1) {
                b.append(row[0]).append('\n');
            } else {
                b.append(String.format(Locale.ROOT, format, (Object[]) row).replaceAll("\\s+\n", "\n"));
            }
        }
        return b.toString();
    }

    private static double median(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return Double.NaN;
        }
        double[] v = Arrays.stream(commaSeparated.split(",")).mapToDouble(Double::parseDouble).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * One row per fraction of saturation under {@code prefix}.{@code fraction} (the fractions listed under
     * {@code fractionsOf}), with the target at half; with a {@code floor} prefix, the ratio of p99 to the
     * floor's p99 at the same rate.
     */
    private void latencyRows(String prefix, String fractionsOf, String floor, boolean target) {
        String fractions = r.get(fractionsOf + ".fractions", "");
        for (String f : fractions.isEmpty() ? new String[0] : fractions.split(",")) {
            String key = prefix + "." + f.trim();
            double p99 = r.number(key + ".p99");
            boolean half = target && Math.abs(Double.parseDouble(f) - 0.5) < 1e-9;
            String sustained = "true".equals(r.get(key + ".sustained")) ? "" : " NOT SUSTAINED";
            double floorP99 = floor == null ? Double.NaN : r.number(floor + "." + f.trim() + ".p99");
            row(String.format(Locale.ROOT, "at %.0f %% of saturation: %s calls/s", 100 * Double.parseDouble(f), n(r.number(key + ".rate"))),
                    String.format(Locale.ROOT, "p50 %.2f / p99 %.2f / p99.9 %.2f ms", r.number(key + ".p50"), p99,
                            r.number(key + ".p999")) + sustained,
                    floor == null ? "" : "p99 " + x(p99 / floorP99) + " floor's", half ? "p99 < 5 ms" : "",
                    half ? verdict(p99, p99 < 5 && sustained.isEmpty()) : "");
        }
    }
}
