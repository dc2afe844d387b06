package io.robotid.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;
import org.postgresql.PGConnection;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.*;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.identity.v1.IssueIdentitiesResponse;

/**
 * Issues N identities in batches through the gRPC API of a running identity-service (into its
 * real database), then writes N rows of the same shape into an identical table with PostgreSQL
 * COPY, and prints IDs per second for both and their ratio. Also prints the Ed25519 signing rate of
 * one thread on this machine (BouncyCastle, as the services sign, and the JDK's), which bounds issuance
 * (one signature per ID).
 *
 * <p>Run against the local run: {@code bench/issuance.sh [--ids 1000000] [--batch 100000]}.
 */
public class IssuanceBenchmark {

    public int run(Map<String, String> options) throws Exception {
        measure(options);
        return 0;
    }

    /**
     * What {@link #run} prints, as figures: IDs issued, issuance IDs/s, COPY rows/s, and the Ed25519 signing
     * rates of one thread (BouncyCastle, which the services sign with, and the JDK's SunEC).
     */
    record Result(long issued, double seconds, double issueRate, double copyRate, double bcSignRate, double jdkSignRate) {
        double copyOverIssuance() {
            return copyRate / issueRate;
        }
    }

    Result measure(Map<String, String> options) throws Exception {
        int total = Integer.parseInt(options.getOrDefault("ids", "1000000"));
        int batchSize = Integer.parseInt(options.getOrDefault("batch", "100000"));
        int parallel = Integer.parseInt(options.getOrDefault("parallel", "2"));
        String issuer = options.getOrDefault("issuer", "http://127.0.0.1:8090/robotid");
        String filingAddress = options.getOrDefault("filing", "127.0.0.1:8102");
        String identityAddress = options.getOrDefault("identity", "127.0.0.1:8101");
        String jdbc = options.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/robotid_identity?user=postgres");

        System.out.printf("robotid issuance benchmark: %,d IDs in batches of %,d, %d batch(es) at a time, %d cores%n",
                total, batchSize, parallel, Runtime.getRuntime().availableProcessors());
        double jdkSignRate = ed25519SignRate();
        double signRate = bcSignRate();
        System.out.printf("Ed25519 signing, one thread: BouncyCastle (io.robotid.evidence.crypto.Ed25519, what the services"
                + " use) %,.0f signatures/s; JDK SunEC %,.0f signatures/s%n", signRate, jdkSignRate);

        ManagedChannel filing = channel(filingAddress);
        ManagedChannel identity = channel(identityAddress);
        try {
            String regulator = token(issuer, "REGULATOR", null);
            Filed filed = file(filing, regulator, issuer);
            String maker = token(issuer, "MANUFACTURER", filed.manufacturerCode());

            Histogram batchMillis = new Histogram(TimeUnit.MINUTES.toMillis(30), 3);
            int batches = (total + batchSize - 1) / batchSize;
            long started = System.nanoTime();
            long[] issued = new long[1];
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
            java.util.List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (int b = 0; b < batches; b++) {
                int count = Math.min(batchSize, total - b * batchSize);
                running.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    Iterator<IssueIdentitiesResponse> stream = IdentityServiceGrpc.newBlockingStub(identity)
                            .withDeadlineAfter(30, TimeUnit.MINUTES)
                            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(maker)))
                            .issueIdentities(IssueIdentitiesRequest.newBuilder()
                                    .setRequestId(UUID.randomUUID().toString()).setModelCode(filed.modelCode())
                                    .setSiteCode(filed.siteCode()).setProductionYear(26).setCount(count).build());
                    long n = 0;
                    while (stream.hasNext()) {
                        n += stream.next().getIdentitiesCount();
                    }
                    synchronized (issued) {
                        issued[0] += n;
                        batchMillis.recordValue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    }
                    System.out.printf("  batch of %,d issued in %,d ms%n", n,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                    return null;
                }));
            }
            for (var f : running) {
                f.get();
            }
            pool.shutdown();
            double issueSeconds = (System.nanoTime() - started) / 1e9;
            double issueRate = issued[0] / issueSeconds;

            double copyRate = copyFloor(jdbc, total, filed);

            System.out.println();
            System.out.printf("issued through gRPC (sign + store + stream): %,d IDs in %.1f s = %,10.0f IDs/s%n",
                    issued[0], issueSeconds, issueRate);
            System.out.printf("  batch latency ms: p50 %,d  p90 %,d  max %,d%n", batchMillis.getValueAtPercentile(50),
                    batchMillis.getValueAtPercentile(90), batchMillis.getMaxValue());
            System.out.printf("COPY floor (same rows, no signing):          %,d rows             = %,10.0f rows/s%n",
                    total, copyRate);
            System.out.printf("ratio COPY / issuance: %.1fx   (target: issuance within 3x of the COPY floor)%n",
                    copyRate / issueRate);
            System.out.printf("signing bound on this machine: %d cores x %,.0f BouncyCastle signatures/s = %,.0f IDs/s at most%n",
                    Runtime.getRuntime().availableProcessors(), signRate,
                    Runtime.getRuntime().availableProcessors() * signRate);
            return new Result(issued[0], issueSeconds, issueRate, copyRate, signRate, jdkSignRate);
        } finally {
            filing.shutdownNow();
            identity.shutdownNow();
        }
    }

    record Filed(String manufacturerCode, String siteCode, String modelCode) {
    }

    static Filed file(ManagedChannel channel, String regulator, String issuer) throws Exception {
        var asRegulator = FilingServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator)));
        String code = asRegulator.registerManufacturer(RegisterManufacturerRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setLegalName("Benchmark Robotics")
                .setCountry("CN").setRegistrationNumber("BENCH-" + UUID.randomUUID().toString().substring(0, 8))
                .addContacts(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC).setName("desk")
                        .setEmail("bench@example.cn")).build()).getManufacturer().getCode();
        var asMaker = FilingServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token(issuer, "MANUFACTURER", code))));
        String site = asMaker.registerProductionSite(RegisterProductionSiteRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(code).setName("Bench plant")
                .setAddress("1 Bench Road").setCountry("CN").build()).getSite().getSiteCode();
        return new Filed(code, site, fileModel(channel, regulator, token(issuer, "MANUFACTURER", code), code, "Bench"));
    }

    /** Files one more model of manufacturer {@code code} and has the regulator accept it; answers its model code. */
    static String fileModel(ManagedChannel channel, String regulator, String maker, String code, String name) {
        var asMaker = FilingServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(maker)));
        var asRegulator = FilingServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(regulator)));
        String filingId = asMaker.submitModelFiling(SubmitModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setManufacturerCode(code)
                .setSpecification(ModelSpecification.newBuilder().setName(name).setFamily("Bench")
                        .setHardware(HardwareParameters.newBuilder().setHeightM(1.6).setMassKg(60)
                                .setDegreesOfFreedom(30).setTopSpeedMPerS(1).setBatteryCapacityWh(800)
                                .setBatteryChemistry(BatteryChemistry.BATTERY_CHEMISTRY_LITHIUM_ION)
                                .addSensors("camera").setCompute("soc"))
                        .setCapabilities(CapabilityProfile.newBuilder().setAutonomousLocomotion(true))
                        .setSoftwareBaseline(SoftwareBaseline.newBuilder().setFirmwareVersion("1.0"))
                        .setDataCollection(DataCollectionDeclaration.newBuilder().setNotice("none"))
                        .addIntendedScenarios("benchmarks"))
                .build()).getFiling().getFilingId();
        return asRegulator.reviewModelFiling(ReviewModelFilingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setFilingId(filingId).setRevision(1)
                .setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build()).getFiling().getModelCode();
    }

    /** COPY of the same number of rows, same columns, into a scratch copy of the identity table. */
    private static double copyFloor(String jdbc, int total, Filed filed) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbc); Statement sql = connection.createStatement()) {
            sql.execute("drop table if exists bench_identity_copy");
            sql.execute("create table bench_identity_copy (like identity including defaults including constraints"
                    + " including indexes)");
            sql.execute("alter table bench_identity_copy drop constraint if exists bench_identity_copy_batch_request_id_fkey");
            UUID batch = UUID.randomUUID();
            String issuedAt = Instant.now().toString();
            Random random = new Random(1);
            byte[] signature = new byte[64];
            StringBuilder rows = new StringBuilder(total * 220);
            for (int i = 1; i <= total; i++) {
                RobotId id = RobotId.compose("CN", filed.manufacturerCode(), filed.modelCode(), 27, filed.siteCode(), i);
                random.nextBytes(signature);
                rows.append(id.canonical()).append('\t').append(filed.manufacturerCode()).append('\t')
                        .append(filed.modelCode()).append('\t').append(filed.siteCode()).append("\t27\t").append(i)
                        .append("\t\\N\t").append(batch).append("\tbench\t").append(issuedAt).append("\t\\\\x")
                        .append(HexFormat.of().formatHex(signature)).append("\tACTIVE\n");
            }
            long started = System.nanoTime();
            try (Reader reader = new StringReader(rows.toString())) {
                ((PGConnection) connection).getCopyAPI().copyIn("copy bench_identity_copy (robot_id, manufacturer_code,"
                        + " model_code, site_code, production_year, sequence, hardware_serial, batch_request_id, key_id,"
                        + " issued_at, signature, status) from stdin", reader);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            sql.execute("drop table bench_identity_copy");
            return total / seconds;
        }
    }

    private static final byte[] SIGNED_MESSAGE = "robotid-identity-v1\nCNA1B2C3D4E526BJ000000000001G\nA1B2\nC3D4E5\n1764000000000"
            .getBytes(StandardCharsets.UTF_8);

    /** BouncyCastle's Ed25519 through the evidence module (what the services sign with), one thread, 2 s after 1 s of warm-up. */
    private static double bcSignRate() {
        io.robotid.evidence.crypto.Ed25519.SigningKey key = io.robotid.evidence.crypto.Ed25519.generate();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < end) {
            key.sign(SIGNED_MESSAGE);
        }
        int n = 0;
        long started = System.nanoTime();
        end = started + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end) {
            key.sign(SIGNED_MESSAGE);
            n++;
        }
        return n / ((System.nanoTime() - started) / 1e9);
    }

    /** The JDK's SunEC Ed25519, one thread, 2 s after 1 s of warm-up. */
    private static double ed25519SignRate() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Signature signer = Signature.getInstance("Ed25519");
        byte[] message = SIGNED_MESSAGE;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < end) { // warm up
            signer.initSign(pair.getPrivate());
            signer.update(message);
            signer.sign();
        }
        int n = 0;
        long started = System.nanoTime();
        end = started + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < end) {
            signer.initSign(pair.getPrivate());
            signer.update(message);
            signer.sign();
            n++;
        }
        return n / ((System.nanoTime() - started) / 1e9);
    }

    static String token(String issuer, String role, String manufacturerCode) throws IOException, InterruptedException {
        return token(issuer, role, "manufacturer_code", manufacturerCode);
    }

    /**
     * A token of {@code role} from the local OIDC provider (client-credentials grant; the client id is the role),
     * with the organisation claim {@code claim} = {@code value} when the value is not null.
     */
    static String token(String issuer, String role, String claim, String value) throws IOException, InterruptedException {
        String form = "grant_type=client_credentials&client_id=" + role + "&client_secret=bench"
                + (value == null ? "" : "&" + claim + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new IllegalStateException("no OIDC provider answers at " + issuer + " (it exited or was stopped)", e);
        }
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("no token from " + issuer + ": " + response.statusCode() + " " + response.body());
        }
        return m.group(1);
    }

    static ManagedChannel channel(String address) {
        String[] hostPort = address.split(":");
        return ManagedChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1])).usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024).build();
    }

    static Metadata bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return headers;
    }
}
