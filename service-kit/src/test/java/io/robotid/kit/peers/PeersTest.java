package io.robotid.kit.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.filing.v1.FilingServiceGrpc;
import io.robotid.proto.filing.v1.FilingStatus;
import io.robotid.proto.filing.v1.GetManufacturerRequest;
import io.robotid.proto.filing.v1.GetManufacturerResponse;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.GetModelResponse;
import io.robotid.proto.filing.v1.GetProductionSiteRequest;
import io.robotid.proto.filing.v1.GetProductionSiteResponse;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.MutinyFilingServiceGrpc;
import io.robotid.proto.filing.v1.ProductionSite;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.MutinyIdentityServiceGrpc;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentitiesRequest;
import io.robotid.proto.identity.v1.VerifyIdentitiesResponse;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.robotid.proto.identity.v1.VerifyIdentityResponse;
import io.smallrye.mutiny.Uni;

/**
 * The peer gateways every service builds ({@link IssuedRobots}, {@link FilingReads}) against a real gRPC
 * server on a free port that plays identity-service and filing-service: what is asked, how often, with
 * which token, and what a peer's failure becomes.
 */
class PeersTest {
    private static final Duration DEADLINE = Duration.ofSeconds(1);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);

    private static final RobotId VALID = robot(1);
    private static final RobotId NEVER_ISSUED = robot(2);
    private static final RobotId IDENTITY_DOWN = robot(3);
    private static final RobotId IDENTITY_SLOW = robot(4);
    private static final RobotId RETIRED_LATER = robot(5);

    private static Server server;
    private static ManagedChannel channel;
    /** Questions asked, per robot ID or model / manufacturer / site code. */
    private static final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    /** The authorization header of every call, in order ("" when none was sent). */
    private static final List<String> authorizations = new CopyOnWriteArrayList<>();
    private static final List<StreamObserver<?>> neverAnswered = new CopyOnWriteArrayList<>();
    private static volatile Verdict laterVerdict = Verdict.VERDICT_VALID;
    /** Whether the fake identity-service has VerifyIdentities (an older one answers UNIMPLEMENTED). */
    private static volatile boolean hasBatch = true;
    /** VerifyIdentities calls, and how many IDs each asked. */
    private static final List<Integer> batches = new CopyOnWriteArrayList<>();
    /** Issued robots beyond VALID: sequences 1,000 to 3,499. */
    private static final List<RobotId> MANY = java.util.stream.LongStream.range(1_000, 3_500).mapToObj(PeersTest::robot)
            .toList();
    private static final java.util.Set<String> MANY_IDS = MANY.stream().map(RobotId::canonical)
            .collect(java.util.stream.Collectors.toSet());

    private IssuedRobots issued;
    private FilingReads filing;

    private static RobotId robot(long sequence) {
        return RobotId.compose("CN", "A1B2", "C3D4E5", 26, "BJ", sequence);
    }

    @BeforeAll
    static void start() throws Exception {
        ServerInterceptor headers = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata metadata,
                    ServerCallHandler<Q, A> next) {
                String authorization = metadata.get(AUTHORIZATION);
                authorizations.add(authorization == null ? "" : authorization);
                return next.startCall(call, metadata);
            }
        };
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new Identity(), headers))
                .addService(ServerInterceptors.intercept(new Filing(), headers))
                .build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        // connect (and load the classes) before any deadline runs
        IdentityServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId("warm-up").build());
    }

    @AfterAll
    static void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @BeforeEach
    void fresh() {
        asked.clear();
        authorizations.clear();
        laterVerdict = Verdict.VERDICT_VALID;
        hasBatch = true;
        batches.clear();
        issued = new IssuedRobots(MutinyIdentityServiceGrpc.newMutinyStub(channel), DEADLINE, "nothing was recorded");
        filing = new FilingReads(MutinyFilingServiceGrpc.newMutinyStub(channel), DEADLINE, "nothing was issued");
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(10));
    }

    private static int askedAbout(String key) {
        AtomicInteger count = asked.get(key);
        return count == null ? 0 : count.get();
    }

    private static DomainException failureOf(Uni<?> uni) {
        Throwable[] caught = new Throwable[1];
        assertThatThrownBy(() -> await(uni)).satisfies(t -> caught[0] = t);
        assertThat(caught[0]).isInstanceOf(DomainException.class);
        return (DomainException) caught[0];
    }

    // ---- IssuedRobots

    @Test
    void anIssuedRobotIsAskedOnceThenAnsweredFromTheCache() {
        assertThat(issued.knownIssued(VALID)).isFalse();
        assertThat(await(issued.requireIssued(VALID))).isEqualTo(Verdict.VERDICT_VALID);
        assertThat(issued.knownIssued(VALID)).isTrue();
        assertThat(await(issued.requireIssued(VALID, false))).isEqualTo(Verdict.VERDICT_VALID);
        assertThat(await(issued.requireIssued(VALID))).isEqualTo(Verdict.VERDICT_VALID);
        assertThat(askedAbout(VALID.canonical())).isEqualTo(1);
        assertThat(authorizations).containsExactly("");   // VerifyIdentity is public: no token goes along
    }

    @Test
    void freshAsksAgainAndSeesARetirement() {
        assertThat(await(issued.requireIssued(RETIRED_LATER))).isEqualTo(Verdict.VERDICT_VALID);
        laterVerdict = Verdict.VERDICT_RETIRED;
        assertThat(await(issued.requireIssued(RETIRED_LATER))).isEqualTo(Verdict.VERDICT_VALID);
        assertThat(askedAbout(RETIRED_LATER.canonical())).isEqualTo(1);
        assertThat(await(issued.requireIssued(RETIRED_LATER, true))).isEqualTo(Verdict.VERDICT_RETIRED);
        assertThat(askedAbout(RETIRED_LATER.canonical())).isEqualTo(2);
        // the fresh answer is what the cache holds now
        assertThat(await(issued.requireIssued(RETIRED_LATER))).isEqualTo(Verdict.VERDICT_RETIRED);
        assertThat(askedAbout(RETIRED_LATER.canonical())).isEqualTo(2);
    }

    @Test
    void anIdNeverIssuedIsNotFoundAndAskedAgainNextTime() {
        for (int i = 0; i < 2; i++) {
            DomainException e = failureOf(issued.requireIssued(NEVER_ISSUED));
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(e.resourceType()).isEqualTo("robot");
            assertThat(e.resourceName()).isEqualTo(NEVER_ISSUED.canonical());
            assertThat(e.getMessage()).isEqualTo("robot " + NEVER_ISSUED.canonical() + " does not exist");
        }
        assertThat(issued.knownIssued(NEVER_ISSUED)).isFalse();
        assertThat(askedAbout(NEVER_ISSUED.canonical())).isEqualTo(2);
    }

    @Test
    void anUnreachableIdentityIsUnavailableSayingTheConsequence() {
        DomainException e = failureOf(issued.requireIssued(IDENTITY_DOWN));
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.reason()).isEqualTo("IDENTITY_UNAVAILABLE");
        assertThat(e.getMessage()).isEqualTo("identity-service could not confirm robot " + IDENTITY_DOWN.canonical()
                + " (UNAVAILABLE); nothing was recorded; retry");
        assertThat(issued.knownIssued(IDENTITY_DOWN)).isFalse();
    }

    @Test
    void aSlowIdentityRunsIntoTheDeadlineAndIsUnavailable() {
        long started = System.nanoTime();
        DomainException e = failureOf(issued.requireIssued(IDENTITY_SLOW));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(e.reason()).isEqualTo("IDENTITY_UNAVAILABLE");
        assertThat(e.getMessage()).contains("(DEADLINE_EXCEEDED)", "nothing was recorded");
    }

    @Test
    void aBatchOfRobotsIsAskedInOneCallPerThousandAndTheIssuedAreCached() {
        List<RobotId> ids = new java.util.ArrayList<>(MANY);
        ids.add(VALID);
        ids.add(NEVER_ISSUED);
        ids.add(VALID); // twice in the batch, asked once
        assertThat(await(issued.notIssued(ids))).containsExactly(NEVER_ISSUED.canonical());
        assertThat(batches).containsExactly(1_000, 1_000, 502);
        assertThat(askedAbout(VALID.canonical())).isEqualTo(1);
        assertThat(MANY).allMatch(issued::knownIssued);
        assertThat(issued.knownIssued(NEVER_ISSUED)).isFalse();
        assertThat(authorizations).containsOnly(""); // public, like VerifyIdentity

        // the issued ones are not asked again; the one never issued is (it may be issued since)
        assertThat(await(issued.notIssued(ids))).containsExactly(NEVER_ISSUED.canonical());
        assertThat(batches).containsExactly(1_000, 1_000, 502, 1);
        assertThat(await(issued.notIssued(List.of(VALID)))).isEmpty();
        assertThat(batches).hasSize(4);
    }

    @Test
    void anIdentityWithoutVerifyIdentitiesIsAskedOneByOne() {
        hasBatch = false;
        assertThat(await(issued.notIssued(List.of(VALID, NEVER_ISSUED, RETIRED_LATER))))
                .containsExactly(NEVER_ISSUED.canonical());
        assertThat(askedAbout(VALID.canonical())).isEqualTo(1);
        assertThat(askedAbout(NEVER_ISSUED.canonical())).isEqualTo(1);
        assertThat(issued.knownIssued(VALID)).isTrue();
        assertThat(issued.knownIssued(RETIRED_LATER)).isTrue();
    }

    @Test
    void anUnreachableIdentityFailsTheBatchAsUnavailableAndCachesNothing() {
        for (boolean batch : new boolean[] { true, false }) {
            hasBatch = batch;
            DomainException e = failureOf(issued.notIssued(List.of(IDENTITY_DOWN, VALID)));
            assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(e.reason()).isEqualTo("IDENTITY_UNAVAILABLE");
            assertThat(e.getMessage()).startsWith("identity-service could not confirm robot " + IDENTITY_DOWN.canonical())
                    .contains("(UNAVAILABLE); nothing was recorded; retry");
            if (batch) {
                assertThat(e.getMessage()).contains(IDENTITY_DOWN.canonical() + " and 1 more");
                assertThat(issued.knownIssued(VALID)).isFalse();
            }
        }
    }

    // ---- FilingReads

    @Test
    void aModelIsReadWithTheCallersToken() {
        ModelFiling model = await(filing.model("caller-token", "C3D4E5"));
        assertThat(model.getModelCode()).isEqualTo("C3D4E5");
        assertThat(model.getManufacturerCode()).isEqualTo("A1B2");
        assertThat(await(filing.manufacturer("other-token", "A1B2")).getCountry()).isEqualTo("CN");
        assertThat(await(filing.productionSite("third-token", "A1B2", "BJ")).getName()).isEqualTo("Beijing");
        assertThat(authorizations).containsExactly("Bearer caller-token", "Bearer other-token", "Bearer third-token");
        // not cached: a filing changes (withdrawn, revised)
        await(filing.model("caller-token", "C3D4E5"));
        assertThat(askedAbout("model C3D4E5")).isEqualTo(2);
    }

    @Test
    void oneCallerReadsSeveralThingsUnderOneDeadline() {
        FilingReads.Caller caller = filing.as("issuer-token");
        assertThat(await(caller.model("C3D4E5")).getStatus()).isEqualTo(FilingStatus.FILING_STATUS_ACCEPTED);
        assertThat(await(caller.productionSite("A1B2", "BJ")).getSiteCode()).isEqualTo("BJ");
        assertThat(await(caller.manufacturer("A1B2")).getCode()).isEqualTo("A1B2");
        assertThat(authorizations).containsOnly("Bearer issuer-token").hasSize(3);
    }

    @Test
    void whatFilingDoesNotKnowIsNotFoundNamingTheResource() {
        DomainException model = failureOf(filing.model("t", "ZZZZZZ"));
        assertThat(model.kind()).isEqualTo(ErrorKind.NOT_FOUND);
        assertThat(model.resourceType()).isEqualTo("model");
        assertThat(model.resourceName()).isEqualTo("ZZZZZZ");
        DomainException site = failureOf(filing.as("t").productionSite("A1B2", "ZZ"));
        assertThat(site.resourceType()).isEqualTo("production_site");
        assertThat(site.resourceName()).isEqualTo("A1B2/ZZ");
        DomainException maker = failureOf(filing.manufacturer("t", "ZZZZ"));
        assertThat(maker.resourceType()).isEqualTo("manufacturer");
        assertThat(maker.resourceName()).isEqualTo("ZZZZ");
    }

    @Test
    void anUnreachableOrSlowFilingIsUnavailableSayingTheConsequence() {
        DomainException down = failureOf(filing.model("t", "DOWN00"));
        assertThat(down.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(down.reason()).isEqualTo("FILING_UNAVAILABLE");
        assertThat(down.getMessage())
                .isEqualTo("filing-service could not confirm model DOWN00 (UNAVAILABLE); nothing was issued; retry");
        DomainException slow = failureOf(filing.as("t").model("SLOW00"));
        assertThat(slow.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        assertThat(slow.reason()).isEqualTo("FILING_UNAVAILABLE");
        assertThat(slow.getMessage()).contains("model SLOW00 (DEADLINE_EXCEEDED); nothing was issued; retry");
        DomainException refused = failureOf(filing.model("t", "SECRET"));
        assertThat(refused.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
        assertThat(refused.reason()).isEqualTo("FILING_REFUSED");
    }

    @Test
    void asAnsweredLeavesFilingsStatusAsItCame() {
        FilingReads raw = filing.asAnswered();
        assertThatThrownBy(() -> await(raw.model("t", "DOWN00"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThatThrownBy(() -> await(raw.manufacturer("t", "ZZZZ"))).isInstanceOfSatisfying(
                StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThatThrownBy(() -> await(raw.model("t", "SLOW00"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(await(raw.model("page-token", "C3D4E5")).getModelCode()).isEqualTo("C3D4E5");
        assertThat(authorizations).last().isEqualTo("Bearer page-token");
    }

    @Test
    void answersComeBackOnTheCallersContext() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.vertx.core.Context context = vertx.getOrCreateContext();
            java.util.concurrent.CompletableFuture<Object> seen = new java.util.concurrent.CompletableFuture<>();
            context.runOnContext(ignored -> Uni.combine().all()
                    .unis(issued.requireIssued(VALID, true), filing.model("t", "C3D4E5"))
                    .asTuple().subscribe().with(both -> seen.complete(io.vertx.core.Vertx.currentContext()),
                            seen::completeExceptionally));
            assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(context);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    // ---- the peers

    private static void count(String key) {
        asked.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    /** identity-service's public VerifyIdentity. */
    static final class Identity extends IdentityServiceGrpc.IdentityServiceImplBase {
        @Override
        public void verifyIdentity(VerifyIdentityRequest request, StreamObserver<VerifyIdentityResponse> answer) {
            String id = request.getRobotId();
            count(id);
            if (id.equals(IDENTITY_DOWN.canonical())) {
                answer.onError(Status.UNAVAILABLE.withDescription("identity is down").asRuntimeException());
                return;
            }
            if (id.equals(IDENTITY_SLOW.canonical())) {
                neverAnswered.add(answer);
                return;
            }
            Verdict verdict = id.equals(VALID.canonical()) ? Verdict.VERDICT_VALID
                    : id.equals(RETIRED_LATER.canonical()) ? laterVerdict : Verdict.VERDICT_UNKNOWN;
            answer.onNext(VerifyIdentityResponse.newBuilder().setCanonicalId(id).setVerdict(verdict).build());
            answer.onCompleted();
        }

        /** Every ID of VerifyIdentities answered as VerifyIdentity answers it alone; a down robot fails the call. */
        @Override
        public void verifyIdentities(VerifyIdentitiesRequest request, StreamObserver<VerifyIdentitiesResponse> answer) {
            if (!hasBatch) {
                super.verifyIdentities(request, answer);
                return;
            }
            batches.add(request.getRobotIdsCount());
            VerifyIdentitiesResponse.Builder all = VerifyIdentitiesResponse.newBuilder();
            for (String id : request.getRobotIdsList()) {
                count(id);
                if (id.equals(IDENTITY_DOWN.canonical())) {
                    answer.onError(Status.UNAVAILABLE.withDescription("identity is down").asRuntimeException());
                    return;
                }
                Verdict verdict = id.equals(VALID.canonical()) || MANY_IDS.contains(id) ? Verdict.VERDICT_VALID
                        : id.equals(RETIRED_LATER.canonical()) ? laterVerdict : Verdict.VERDICT_UNKNOWN;
                all.addResults(VerifyIdentityResponse.newBuilder().setCanonicalId(id).setVerdict(verdict));
            }
            answer.onNext(all.build());
            answer.onCompleted();
        }
    }

    /** filing-service's reads. */
    static final class Filing extends FilingServiceGrpc.FilingServiceImplBase {
        @Override
        public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> answer) {
            String code = request.getModelCode();
            count("model " + code);
            switch (code) {
                case "C3D4E5" -> {
                    answer.onNext(GetModelResponse.newBuilder().setFiling(ModelFiling.newBuilder().setModelCode(code)
                            .setManufacturerCode("A1B2").setStatus(FilingStatus.FILING_STATUS_ACCEPTED)).build());
                    answer.onCompleted();
                }
                case "DOWN00" -> answer.onError(Status.UNAVAILABLE.asRuntimeException());
                case "SLOW00" -> neverAnswered.add(answer);
                case "SECRET" -> answer.onError(Status.PERMISSION_DENIED.asRuntimeException());
                default -> answer.onError(Status.NOT_FOUND.asRuntimeException());
            }
        }

        @Override
        public void getManufacturer(GetManufacturerRequest request, StreamObserver<GetManufacturerResponse> answer) {
            count("manufacturer " + request.getCode());
            if (!request.getCode().equals("A1B2")) {
                answer.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            answer.onNext(GetManufacturerResponse.newBuilder()
                    .setManufacturer(Manufacturer.newBuilder().setCode("A1B2").setCountry("CN")).build());
            answer.onCompleted();
        }

        @Override
        public void getProductionSite(GetProductionSiteRequest request, StreamObserver<GetProductionSiteResponse> answer) {
            count("site " + request.getManufacturerCode() + "/" + request.getSiteCode());
            if (!request.getSiteCode().equals("BJ")) {
                answer.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            answer.onNext(GetProductionSiteResponse.newBuilder().setSite(ProductionSite.newBuilder()
                    .setManufacturerCode(request.getManufacturerCode()).setSiteCode("BJ").setName("Beijing")).build());
            answer.onCompleted();
        }
    }
}
