package io.robotid.bench;

import static io.robotid.bench.IssuanceBenchmark.bearer;
import static io.robotid.bench.IssuanceBenchmark.channel;
import static io.robotid.bench.IssuanceBenchmark.token;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;

import com.google.protobuf.Timestamp;

import io.grpc.ManagedChannel;
import io.grpc.stub.MetadataUtils;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.*;

/**
 * The scale dataset of lifecycle-service and its queries (docs/benchmarks.md, "lifecycle at scale"):
 * files {@code --manufacturers} manufacturers with {@code --models} models between them, issues
 * {@code --robots} IDs spread over the models, and writes {@code --events} events through RecordEvents in
 * a realistic mix, robot by robot in the order of a life: production with three parts, the first sale,
 * deployment by the owner, maintenance, a software update, a part replacement, incidents (one robot in
 * ten), telemetry summaries (one robot in a hundred, with its own token), a transfer to another operator
 * and its acceptance (one robot in five), then maintenance. One robot gets a chain of {@code --long-chain}
 * events. Then times, from outside, each query the issue names (p50 / p99 over {@code --queries} calls)
 * and prints the disk used per event and per robot.
 *
 * <p>{@code bench/lifecycle-scale.sh [--robots 1000000] [--events 10000000] [--manufacturers 100] [--models 200]}
 */
public class LifecycleScaleBenchmark {
    private static final String[] PARTS = { "MTR", "BAT", "JNT", "CAM", "CPU" };
    private static final int LOTS = 20;

    private final String issuer;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    LifecycleScaleBenchmark(Map<String, String> options) {
        this.issuer = options.getOrDefault("issuer", "http://127.0.0.1:8090/robotid");
    }

    /** A token of {@code role} with {@code claim} = {@code value}, fetched once. */
    private String token(String role, String claim, String value) {
        return tokens.computeIfAbsent(role + "|" + claim + "|" + value, k -> {
            try {
                return IssuanceBenchmark.token(issuer, role, claim, value);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public int run(Map<String, String> options) throws Exception {
        int robots = Integer.parseInt(options.getOrDefault("robots", "1000000"));
        long events = Long.parseLong(options.getOrDefault("events", "10000000"));
        int manufacturers = Integer.parseInt(options.getOrDefault("manufacturers", "100"));
        int models = Math.max(manufacturers, Integer.parseInt(options.getOrDefault("models", "200")));
        int operators = Integer.parseInt(options.getOrDefault("operators", "50"));
        int streams = Integer.parseInt(options.getOrDefault("streams", "8"));
        int queries = Integer.parseInt(options.getOrDefault("queries", "200"));
        int longChain = Integer.parseInt(options.getOrDefault("long-chain", "1000"));
        String jdbc = options.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/robotid_lifecycle?user=postgres");
        int perRobot = (int) Math.max(1, events / robots);
        System.out.printf("robotid lifecycle at scale: %,d robots of %d models of %d manufacturers, %d events each"
                + " (%,d), %d streams, %d cores%n", robots, models, manufacturers, perRobot, (long) perRobot * robots,
                streams, Runtime.getRuntime().availableProcessors());

        ManagedChannel filing = channel(options.getOrDefault("filing", "127.0.0.1:8102"));
        ManagedChannel identity = channel(options.getOrDefault("identity", "127.0.0.1:8101"));
        ManagedChannel lifecycle = channel(options.getOrDefault("lifecycle", "127.0.0.1:8103"));
        try (Autovacuum autovacuum = Autovacuum.on(jdbc)) {
            Map<String, Long> before = sizes(jdbc);
            long t0 = System.nanoTime();
            String regulator = token("REGULATOR", "manufacturer_code", null);
            List<String> makers = new ArrayList<>();
            List<String> modelCodes = new ArrayList<>();
            List<String> modelMaker = new ArrayList<>();
            List<IssuanceBenchmark.Filed> filed = new ArrayList<>();
            for (int m = 0; m < manufacturers; m++) {
                IssuanceBenchmark.Filed f = IssuanceBenchmark.file(filing, regulator, issuer);
                filed.add(f);
                makers.add(f.manufacturerCode());
                modelCodes.add(f.modelCode());
                modelMaker.add(f.manufacturerCode());
            }
            for (int extra = manufacturers; extra < models; extra++) {
                String code = makers.get(extra % manufacturers);
                modelCodes.add(IssuanceBenchmark.fileModel(filing, regulator, token("MANUFACTURER", "manufacturer_code",
                        code), code, "Bench " + extra));
                modelMaker.add(code);
            }
            System.out.printf("filed %d manufacturers and %d models in %.1f s%n", manufacturers, models, seconds(t0));

            // IDs, model by model; robot i is of model i % models after the interleave below
            long t1 = System.nanoTime();
            List<List<String>> byModel = new ArrayList<>();
            for (int m = 0; m < models; m++) {
                int count = robots / models + (m < robots % models ? 1 : 0);
                String maker = modelMaker.get(m);
                String site = filed.get(makers.indexOf(maker)).siteCode();
                List<String> ids = new ArrayList<>(count);
                var stub = IdentityServiceGrpc.newBlockingStub(identity).withDeadlineAfter(30, TimeUnit.MINUTES)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                                bearer(token("MANUFACTURER", "manufacturer_code", maker))));
                for (int done = 0; done < count; done += 50_000) {
                    stub.issueIdentities(IssueIdentitiesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                            .setModelCode(modelCodes.get(m)).setSiteCode(site).setProductionYear(26)
                            .setCount(Math.min(50_000, count - done)).build())
                            .forEachRemaining(chunk -> chunk.getIdentitiesList().forEach(i -> ids.add(i.getRobotId())));
                }
                byModel.add(ids);
            }
            List<String> ids = new ArrayList<>(robots);
            for (int i = 0; ids.size() < robots; i++) {
                List<String> model = byModel.get(i % models);
                int at = i / models;
                if (at < model.size()) {
                    ids.add(model.get(at));
                }
            }
            System.out.printf("issued %,d robot IDs in %.1f s%n", ids.size(), seconds(t1));

            // The life, phase by phase; each phase groups robots by who records their event.
            Life life = new Life(ids, operators, modelCodes);
            long t2 = System.nanoTime();
            long recorded = 0;
            for (int phase = 0; phase < perRobot; phase++) {
                long p0 = System.nanoTime();
                long n = life.phase(phase, lifecycle, streams);
                recorded += n;
                System.out.printf("  phase %2d (%s): %,d events in %.1f s%n", phase + 1, life.name(phase), n, seconds(p0));
            }
            String chained = ids.get(ids.size() / 2);
            long p0 = System.nanoTime();
            recorded += life.longChain(lifecycle, chained, longChain - perRobot);
            System.out.printf("  a long chain: %,d more events for %s in %.1f s%n", longChain - perRobot, chained,
                    seconds(p0));
            double appendSeconds = seconds(t2);
            System.out.printf("appended through RecordEvents: %,d events in %.1f s = %,.0f events/s%n", recorded,
                    appendSeconds, recorded / appendSeconds);

            settle(jdbc);

            // The queries, from outside.
            Random random = new Random(7);
            var asRegulator = LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(1, TimeUnit.HOURS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator)));
            String maker0 = modelMaker.get(0);
            Histogram find = LifecycleBenchmark.time(queries, () -> {
                int m = random.nextInt(models);
                return LifecycleServiceGrpc.newBlockingStub(lifecycle)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator)))
                        .findRobots(FindRobotsRequest.newBuilder().setModelCode(modelCodes.get(m))
                                .setPartNumber(PARTS[0] + "-" + (m % 7)).addLots("L-" + random.nextInt(LOTS))
                                .setPageSize(100).build()).getRobotsCount();
            });
            Histogram status = LifecycleBenchmark.time(queries, () -> stub(lifecycle, regulator)
                    .getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(ids.get(random.nextInt(ids.size())))
                            .build()).getState().getLastSequence() > 0 ? 1 : 0);
            Histogram at = LifecycleBenchmark.time(queries, () -> stub(lifecycle, regulator)
                    .getRobotAt(GetRobotAtRequest.newBuilder().setRobotId(ids.get(random.nextInt(ids.size())))
                            .setAt(Life.at(Math.max(1, perRobot / 2))).build()).getState().getLastSequence() > 0 ? 1 : 0);
            Histogram list = LifecycleBenchmark.time(queries, () -> stub(lifecycle, regulator)
                    .listEvents(ListEventsRequest.newBuilder().setRobotId(ids.get(random.nextInt(ids.size())))
                            .setPageSize(100).build()).getEventsCount());
            String secondPage = stub(lifecycle, regulator).listEvents(ListEventsRequest.newBuilder()
                    .setRobotId(chained).setPageSize(100).build()).getNextPageToken();
            Histogram listLong = LifecycleBenchmark.time(Math.max(20, queries / 10), () -> stub(lifecycle, regulator)
                    .listEvents(ListEventsRequest.newBuilder().setRobotId(chained).setPageSize(100)
                            .setPageToken(secondPage).build()).getEventsCount());
            long[] checked = { 0 };
            Histogram verify = LifecycleBenchmark.time(Math.max(20, queries / 10), () -> {
                VerifyChainResponse v = stub(lifecycle, regulator)
                        .verifyChain(VerifyChainRequest.newBuilder().setRobotId(chained).build());
                if (!v.getIntact()) {
                    throw new IllegalStateException("the long chain is not intact: " + v);
                }
                checked[0] = v.getEventsChecked();
                return 1;
            });

            // A recall over two models' robots (about 2 x robots / models)
            long r0 = System.nanoTime();
            RecallCampaign campaign = LifecycleServiceGrpc.newBlockingStub(lifecycle).withDeadlineAfter(1, TimeUnit.HOURS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(
                            bearer(token("MANUFACTURER", "manufacturer_code", maker0))))
                    .createRecallCampaign(CreateRecallCampaignRequest.newBuilder()
                            .setRequestId(UUID.randomUUID().toString()).setTitle("scale").setDescription("scale bench")
                            .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY)
                            .setCriteria(RecallCriteria.newBuilder().addModelCodes(modelCodes.get(0))
                                    .addModelCodes(modelCodes.get(manufacturers % models)))
                            .build()).getCampaign();
            double recallSeconds = seconds(r0);
            // the whole list, streamed; its messages' page tokens are where the paged reads below start
            List<String> pageTokens = new ArrayList<>();
            var streamingRegulator = LifecycleServiceGrpc.newStub(lifecycle).withInterceptors(
                    MetadataUtils.newAttachHeadersInterceptor(bearer(regulator)));
            Histogram wholeList = LifecycleBenchmark.time(Math.max(20, queries / 10), () -> {
                boolean first = pageTokens.isEmpty();
                return affected(streamingRegulator, ListAffectedRobotsRequest.newBuilder()
                        .setCampaignId(campaign.getCampaignId()).build(), robot -> {
                            if (first) {
                                pageTokens.add(robot.getNextPageToken());
                            }
                        });
            });
            pageTokens.add(0, "");
            Histogram page100 = affectedPage(streamingRegulator, campaign.getCampaignId(), pageTokens, random, queries, 100);
            Histogram page500 = affectedPage(streamingRegulator, campaign.getCampaignId(), pageTokens, random, queries, 500);

            System.out.println();
            System.out.printf("%-66s %12s %12s   %s%n", "query (from outside, sequential)", "p50 ms", "p99 ms", "target");
            row("FindRobots model + part + lot, a page of 100", find, "p99 < 100 ms");
            row("GetRobotStatus, a random robot", status, "p99 < 100 ms");
            row("GetRobotAt, a random robot at a past instant", at, "p99 < 100 ms");
            row("ListEvents, a random robot, a page of 100", list, "p99 < 100 ms");
            row("ListEvents, the " + longChain + "-event robot, its second page of 100", listLong, "p99 < 100 ms");
            row("VerifyChain, the robot with " + checked[0] + " events", verify, "p99 < 200 ms");
            row("ListAffectedRobots, " + campaign.getAffected() + " robots: a page of 100 from a random robot", page100,
                    "p99 < 100 ms");
            row("ListAffectedRobots, " + campaign.getAffected() + " robots: a page of 500 from a random robot", page500,
                    "p99 < 100 ms");
            row("ListAffectedRobots, " + campaign.getAffected() + " robots: all of them", wholeList, "-");
            System.out.printf("%-66s %12.1f s%16s%n", "CreateRecallCampaign over " + campaign.getAffected() + " robots",
                    recallSeconds, "< 10 s");
            disk(jdbc, before, recorded, robots);
            return 0;
        } finally {
            filing.shutdownNow();
            identity.shutdownNow();
            lifecycle.shutdownNow();
        }
    }

    private static LifecycleServiceGrpc.LifecycleServiceBlockingStub stub(ManagedChannel channel, String token) {
        return LifecycleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.MINUTES)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)));
    }

    private static void row(String what, Histogram h, String target) {
        System.out.printf("%-66s %12.1f %12.1f   %s%n", what, h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, target);
    }

    /** Bytes per table (with its indexes and TOAST) in lifecycle-service's database. */
    private static Map<String, Long> sizes(String jdbc) throws Exception {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(jdbc); Statement sql = c.createStatement();
                ResultSet rs = sql.executeQuery("""
                        select relname, pg_total_relation_size(c.oid) as bytes from pg_class c
                        join pg_namespace n on n.oid = c.relnamespace
                        where n.nspname = 'public' and c.relkind in ('r', 'p') order by bytes desc""")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /**
     * Waits until the run's writes are done with: the log has integrated every leaf (so that its integrator
     * does not compete with the queries), then lets autovacuum's analyze see the new rows.
     */
    /** Pages of a campaign's robots, each from a random robot's page token (or the first). */
    private static Histogram affectedPage(LifecycleServiceGrpc.LifecycleServiceStub asRegulator, String campaignId,
            List<String> pageTokens, Random random, int queries, int size) {
        return LifecycleBenchmark.time(queries, () -> affected(asRegulator, ListAffectedRobotsRequest.newBuilder()
                .setCampaignId(campaignId).setPageSize(size)
                .setPageToken(pageTokens.get(random.nextInt(pageTokens.size()))).build(), robot -> {
                }));
    }

    /**
     * The robots of one ListAffectedRobots call, read as they arrive (a message per robot) and counted. Read by an
     * observer, as a streaming client reads: a blocking stub's iterator hands every message from the transport's
     * thread to the caller's, which on this machine cost 70 us a message (a page of 500: 35 ms of the client's own).
     */
    static int affected(LifecycleServiceGrpc.LifecycleServiceStub asRegulator, ListAffectedRobotsRequest request,
            java.util.function.Consumer<ListAffectedRobotsResponse> each) {
        java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
        asRegulator.withDeadlineAfter(1, TimeUnit.MINUTES).listAffectedRobots(request,
                new io.grpc.stub.StreamObserver<>() {
                    private int read;

                    @Override
                    public void onNext(ListAffectedRobotsResponse robot) {
                        each.accept(robot);
                        read++;
                    }

                    @Override
                    public void onError(Throwable failure) {
                        done.completeExceptionally(failure);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(read);
                    }
                });
        try {
            return done.get(1, TimeUnit.MINUTES);
        } catch (Exception failure) {
            throw new IllegalStateException("ListAffectedRobots failed", failure);
        }
    }

    static void settle(String jdbc) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(jdbc); Statement sql = c.createStatement()) {
            while (true) {
                try (ResultSet rs = sql.executeQuery("select count(*) from tlog_leaf where leaf_index is null")) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        break;
                    }
                } catch (java.sql.SQLException noLog) {
                    break; // the log is off
                }
                Thread.sleep(1_000);
            }
            // a registry at rest, as autovacuum leaves it: dead row versions gone, statistics fresh
            sql.execute("vacuum (analyze)");
        }
        System.out.printf("the log integrated every leaf and the tables were vacuumed and analyzed %.1f s after the last"
                + " append%n", seconds(t0));
    }

    /** What the run added to lifecycle-service's database, per table, per event and per robot. */
    private static void disk(String jdbc, Map<String, Long> before, long events, int robots) throws Exception {
        Map<String, Long> after = sizes(jdbc);
        long total = 0;
        System.out.println();
        System.out.printf("%-24s %12s %14s %14s%n", "disk added by the run", "MB", "bytes/event", "bytes/robot");
        for (var table : after.entrySet()) {
            long bytes = table.getValue() - before.getOrDefault(table.getKey(), 0L);
            total += bytes;
            if (bytes > 1 << 20) {
                System.out.printf("%-24s %,12.1f %,14.1f %,14.1f%n", table.getKey(), bytes / 1e6, (double) bytes / events,
                        (double) bytes / robots);
            }
        }
        System.out.printf("%-24s %,12.1f %,14.1f %,14.1f%n", "all tables", total / 1e6, (double) total / events,
                (double) total / robots);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** A life, phase by phase: which event each robot gets in each phase, and who records it. */
    private final class Life {
        private final List<String> ids;
        private final int operators;
        private final int[] modelIndex;

        Life(List<String> ids, int operators, List<String> models) {
            this.ids = ids;
            this.operators = operators;
            Map<String, Integer> index = new java.util.HashMap<>();
            for (int m = 0; m < models.size(); m++) {
                index.put(models.get(m), m);
            }
            this.modelIndex = new int[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                modelIndex[i] = index.get(RobotId.of(ids.get(i)).modelCode());
            }
        }

        /** Event {@code phase} of a life happens {@code phase} days after production, 60 days ago. */
        static Timestamp at(int phase) {
            return Timestamp.newBuilder().setSeconds(Instant.now().minusSeconds(60L * 86_400).getEpochSecond()
                    + phase * 3_600L).build();
        }

        String name(int phase) {
            return switch (phase) {
                case 0 -> "produced";
                case 1 -> "sold";
                case 2 -> "deployed";
                case 3 -> "maintenance";
                case 4 -> "software updated";
                case 5 -> "component replaced";
                case 6 -> "incident 1 in 10, else maintenance";
                case 7 -> "telemetry 1 in 100, else maintenance";
                case 8 -> "transfer initiated 1 in 5, else maintenance";
                case 9 -> "transfer accepted 1 in 5, else maintenance";
                default -> "maintenance";
            };
        }

        private String owner(int i) {
            return "op-" + (i % operators);
        }

        private String maker(String id) {
            return RobotId.of(id).manufacturerCode();
        }

        /** Who records robot {@code i}'s event in {@code phase} (a token key), and its payload. */
        private record Step(String role, String claim, String value, EventPayload payload) {
        }

        private Step step(int phase, int i) {
            String id = ids.get(i);
            String sp = "SERVICE_PROVIDER";
            EventPayload maintenance = EventPayload.newBuilder().setMaintenancePerformed(MaintenancePerformed
                    .newBuilder().setDescription("periodic check " + phase).setInspection(phase % 2 == 0)).build();
            int model = modelIndex[i];
            return switch (phase) {
                case 0 -> new Step("MANUFACTURER", "manufacturer_code", maker(id), EventPayload.newBuilder()
                        .setProduced(Produced.newBuilder().setBuildDate("2026-10-01").setFirmwareVersion("3.1." + (i % 10))
                                .setAiModelVersion("vla-" + (i % 4)).setFactoryTestPassed(true)
                                .addComponents(part(0, model, i)).addComponents(part(1, model, i))
                                .addComponents(part(2, model, i)))
                        .build());
                case 1 -> new Step("MANUFACTURER", "manufacturer_code", maker(id), EventPayload.newBuilder()
                        .setSold(Sold.newBuilder().setBuyerOrgId(owner(i)).setSaleReference("SO-" + i)).build());
                case 2 -> new Step("OPERATOR", "org_id", owner(i), EventPayload.newBuilder().setDeployed(Deployed
                        .newBuilder().setSite("Site " + (i % 1000)).setScenario("retail").setOperatorOrgId(owner(i))
                        .setPublicContact(Contact.newBuilder().setName("desk").setEmail("desk@" + owner(i) + ".example"))
                        .setEmergencyContact(Contact.newBuilder().setName("safety").setPhone("+861055555555"))).build());
                case 4 -> new Step("MANUFACTURER", "manufacturer_code", maker(id), EventPayload.newBuilder()
                        .setSoftwareUpdated(SoftwareUpdated.newBuilder().setFirmwareVersion("3.2." + (i % 10))
                                .setPackageSha256("ab".repeat(32)))
                        .build());
                case 5 -> new Step(sp, "org_id", null, EventPayload.newBuilder().setComponentReplaced(ComponentReplaced
                        .newBuilder().setOldPart(part(1, model, i)).setNewPart(part(1, model, i + 1).toBuilder()
                                .setSerial("R" + i))
                        .setReason("battery wear")).build());
                case 6 -> i % 10 == 0 ? new Step("OPERATOR", "org_id", owner(i), EventPayload.newBuilder()
                        .setIncidentReported(IncidentReported.newBuilder()
                                .setSeverity(IncidentSeverity.INCIDENT_SEVERITY_LOW)
                                .setCategory(IncidentCategory.INCIDENT_CATEGORY_PROPERTY_DAMAGE).setPlace("aisle 4")
                                .setDescription("bumped a shelf"))
                        .build()) : new Step(sp, "org_id", null, maintenance);
                case 7 -> i % 100 == 0 ? new Step("ROBOT", "robot_id", id, EventPayload.newBuilder()
                        .setTelemetrySummary(TelemetrySummary.newBuilder().setBatteryHealthPct(91).setJointWearPct(12)
                                .setCycleCount(1200 + i % 100).setOperationalAccuracyPct(99.1))
                        .build()) : new Step(sp, "org_id", null, maintenance);
                case 8 -> i % 5 == 0 ? new Step("OPERATOR", "org_id", owner(i), EventPayload.newBuilder()
                        .setTransferInitiated(TransferInitiated.newBuilder().setToOrgId(owner(i + 1))
                                .setReason("fleet rebalancing")).build())
                        : new Step(sp, "org_id", null, maintenance);
                case 9 -> i % 5 == 0 ? new Step("OPERATOR", "org_id", owner(i + 1), EventPayload.newBuilder()
                        .setTransferAccepted(TransferAccepted.newBuilder().setFromOrgId(owner(i))).build())
                        : new Step(sp, "org_id", null, maintenance);
                default -> new Step(sp, "org_id", null, maintenance);
            };
        }

        /** Part {@code kind} of robot {@code i}: a part number per model family, lots spread evenly. */
        private Component part(int kind, int model, int i) {
            return Component.newBuilder().setPartNumber(PARTS[kind] + "-" + (model % 7)).setLot("L-" + (i % LOTS))
                    .setSerial(PARTS[kind].charAt(0) + Integer.toString(i)).build();
        }

        /** Records every robot's event of {@code phase}, one stream per caller and per slice of a big group. */
        long phase(int phase, ManagedChannel channel, int streams) throws Exception {
            Map<String, List<Integer>> byCaller = new LinkedHashMap<>();
            Map<String, Step> callerOf = new LinkedHashMap<>();
            List<EventPayload> payloads = new ArrayList<>(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                Step s = step(phase, i);
                String key = s.role() + "|" + s.claim() + "|" + s.value();
                byCaller.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                callerOf.putIfAbsent(key, s);
                payloads.add(s.payload());
            }
            // streams of at most 10,000 events: the service holds a batch per stream whatever the length (flow
            // control), but this client builds each stream's requests before sending them
            int slice = Math.min(10_000, Math.max(1_000, ids.size() / streams));
            List<Upload> uploads = new ArrayList<>();
            for (var group : byCaller.entrySet()) {
                Step s = callerOf.get(group.getKey());
                List<Integer> robots = group.getValue();
                for (int from = 0; from < robots.size(); from += slice) {
                    List<Integer> part = robots.subList(from, Math.min(robots.size(), from + slice));
                    uploads.add(new Upload(s.role(), s.claim(), s.value(), part.size(),
                            k -> RecordEventRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                                    .setRobotId(ids.get(part.get(k))).setOccurredAt(at(phase))
                                    .setPayload(payloads.get(part.get(k))).build()));
                }
            }
            return run(channel, uploads, streams);
        }

        long longChain(ManagedChannel channel, String robot, int more) throws Exception {
            if (more <= 0) {
                return 0;
            }
            EventPayload maintenance = EventPayload.newBuilder().setMaintenancePerformed(MaintenancePerformed.newBuilder()
                    .setDescription("daily check")).build();
            return run(channel, List.of(new Upload("SERVICE_PROVIDER", "org_id", null, more, k -> RecordEventRequest
                    .newBuilder().setRequestId(UUID.randomUUID().toString()).setRobotId(robot).setOccurredAt(at(20))
                    .setPayload(maintenance).build())), 1);
        }

        private record Upload(String role, String claim, String value, int count, IntFunction<RecordEventRequest> request) {
        }

        /**
         * Runs the uploads, {@code streams} at a time; answers the events recorded. Events refused as UNAVAILABLE or
         * ABORTED (a peer slow to answer, a concurrent writer) are sent again with the same request ids, as a client
         * should; any other refusal stops the run.
         */
        private long run(ManagedChannel channel, List<Upload> uploads, int streams) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(streams);
            AtomicLong recorded = new AtomicLong();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (Upload u : uploads) {
                    done.add(pool.submit(() -> {
                        List<RecordEventRequest> requests = new ArrayList<>(u.count());
                        for (int k = 0; k < u.count(); k++) {
                            requests.add(u.request().apply(k));
                        }
                        for (int attempt = 1; !requests.isEmpty(); attempt++) {
                            RecordEventsResponse r = LifecycleBenchmark.recordEvents(channel, token(u.role(), u.claim(), u.value()),
                                    requests);
                            recorded.addAndGet(r.getRecorded());
                            List<RecordEventRequest> again = new ArrayList<>();
                            for (RefusedEvent refused : r.getRefusedList()) {
                                if (attempt > 5 || !(refused.getCode().equals("UNAVAILABLE") || refused.getCode().equals("ABORTED"))) {
                                    throw new IllegalStateException(r.getRefusedCount() + " refused, " + refused);
                                }
                                again.add(requests.get(refused.getIndex()));
                            }
                            requests = again;
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                return recorded.get();
            } finally {
                pool.shutdown();
            }
        }
    }
}
