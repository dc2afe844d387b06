package io.robotid.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.google.protobuf.Timestamp;

import grpc.health.v1.HealthGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.robotid.proto.certification.v1.AccreditBodyRequest;
import io.robotid.proto.certification.v1.CertificationServiceGrpc;
import io.robotid.proto.certification.v1.Evidence;
import io.robotid.proto.certification.v1.SubmitTestResultRequest;
import io.robotid.proto.certification.v1.SuspendCertificateRequest;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.certification.v1.Validity;
import io.robotid.proto.filing.v1.FilingServiceGrpc;
import io.robotid.proto.filing.v1.RegisterProductionSiteRequest;
import io.robotid.proto.geofence.v1.CheckPermissionRequest;
import io.robotid.proto.geofence.v1.CreateZoneRequest;
import io.robotid.proto.geofence.v1.DeleteZoneRequest;
import io.robotid.proto.geofence.v1.GeofenceServiceGrpc;
import io.robotid.proto.geofence.v1.GrantPermissionRequest;
import io.robotid.proto.geofence.v1.Position;
import io.robotid.proto.geofence.v1.UpdateZoneRequest;
import io.robotid.proto.geofence.v1.Zone;
import io.robotid.proto.geofence.v1.ZoneDefinition;
import io.robotid.proto.geofence.v1.ZoneKind;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.IssueIdentitiesRequest;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.CreateRecallCampaignRequest;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.Produced;
import io.robotid.proto.lifecycle.v1.RecallCriteria;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.system.support.Registrations;
import io.robotid.system.support.Registry;

/**
 * The authorization matrix (issue 10): every RPC of every service, taken from the generated service
 * descriptors (so a new RPC cannot be forgotten: an RPC without a row in {@link #POLICY} fails the
 * test), and the REST endpoints of certification-service and identity-service's public ones, called by
 * every kind of caller: no token, an expired token, a token of another issuer (signed with a key of
 * this test's own), a token signed with a key of our own under the provider's issuer, a token for
 * another audience, and each role with a token from the real OIDC provider by client credentials.
 *
 * <p>Each call sends the default (empty) request message; the outcome is AUTH_REFUSED
 * (UNAUTHENTICATED, PERMISSION_DENIED; over HTTP 401, 403) or PASSED_AUTH (any other status:
 * INVALID_ARGUMENT, NOT_FOUND, OK, ...). Every outcome is compared with the policy table, both ways:
 * a pass the table does not allow is a hole; a refusal the table allows means the table is wrong.
 * All violations are listed at once.
 *
 * <p>A second test takes a token of the right role for another organisation against the RPCs that
 * bind an organisation (another manufacturer's model, another body's certificate or scope, another
 * authority's zone, another robot) with otherwise valid requests, and expects refusal.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthorizationMatrixSystemIT {
    static final List<String> SERVICES = List.of("filing-service", "identity-service", "lifecycle-service",
            "certification-service", "geofence-service");

    enum Role {
        REGULATOR, MANUFACTURER, CERTIFICATION_BODY, OPERATOR, SERVICE_PROVIDER, RECYCLER, ZONE_AUTHORITY, ROBOT, AUDITOR,
        REGISTRY_SERVICE
    }

    enum Outcome {
        AUTH_REFUSED, PASSED_AUTH
    }

    /** Who may pass authorization: nobody needs a token ({@code open}), or the roles listed. */
    record Policy(boolean open, Set<Role> roles) {
        boolean allows(Role role) {
            return open || roles.contains(role);
        }
    }

    static Policy open() {
        return new Policy(true, EnumSet.allOf(Role.class));
    }

    static Policy authenticated() {
        return new Policy(false, EnumSet.allOf(Role.class));
    }

    static Policy only(Role first, Role... rest) {
        return new Policy(false, EnumSet.of(first, rest));
    }

    /**
     * The declared policy: one row per RPC (full gRPC method name) and per REST endpoint, from the
     * "who may call" columns of docs/<service>.md and the annotations of each service's grpc/ and rest/ adapters.
     * "Authenticated" rows refine by organisation inside the service (NOT_FOUND or filtered lists for
     * what the caller may not see); those refinements are the second test's business.
     */
    static final Map<String, Policy> POLICY = new LinkedHashMap<>();
    static {
        Role REG = Role.REGULATOR, MAN = Role.MANUFACTURER, BODY = Role.CERTIFICATION_BODY, OP = Role.OPERATOR,
                ZA = Role.ZONE_AUTHORITY, ROBOT = Role.ROBOT, AUD = Role.AUDITOR, SVC = Role.REGISTRY_SERVICE;
        String f = "robotid.filing.v1.FilingService/";
        POLICY.put(f + "RegisterManufacturer", only(REG));
        POLICY.put(f + "GetManufacturer", authenticated());
        POLICY.put(f + "ListManufacturers", authenticated());
        POLICY.put(f + "RegisterProductionSite", only(MAN));
        POLICY.put(f + "GetProductionSite", authenticated());
        POLICY.put(f + "ListProductionSites", authenticated());
        POLICY.put(f + "SubmitModelFiling", only(MAN));
        POLICY.put(f + "ReviewModelFiling", only(REG));
        POLICY.put(f + "AmendModelFiling", only(MAN));
        POLICY.put(f + "WithdrawModel", only(MAN, REG));
        POLICY.put(f + "GetModel", authenticated());
        POLICY.put(f + "ListModels", authenticated());
        POLICY.put(f + "ListModelRevisions", authenticated());

        String i = "robotid.identity.v1.IdentityService/";
        POLICY.put(i + "IssueIdentities", only(MAN));
        POLICY.put(i + "GetIdentity", authenticated());
        POLICY.put(i + "ListIdentities", authenticated());
        POLICY.put(i + "VerifyIdentity", open());
        POLICY.put(i + "VerifyIdentities", open());
        POLICY.put(i + "ListSigningKeys", open());
        // a robot's history report is public (what each reader sees is decided inside); only its owner shares it
        POLICY.put(i + "GetHistoryReport", open());
        POLICY.put(i + "CreateHistoryShare", only(OP));

        String l = "robotid.lifecycle.v1.LifecycleService/";
        // who may record which event is decided per event type, after the request is read
        POLICY.put(l + "RecordEvent", authenticated());
        POLICY.put(l + "RecordEvents", authenticated());
        POLICY.put(l + "ListEvents", authenticated());
        POLICY.put(l + "GetRobotStatus", authenticated());
        POLICY.put(l + "GetRobotAt", authenticated());
        POLICY.put(l + "VerifyChain", authenticated());
        // the transparency log (docs/evidence.md): its description and consistency proofs are public, a
        // record's evidence is for whoever may read the records (any authenticated caller, as events are)
        String t = "robotid.tlog.v1.TransparencyLogService/";
        POLICY.put(t + "GetLogInfo", open());
        POLICY.put(t + "GetConsistencyProof", open());
        POLICY.put(t + "GetRecordEvidence", authenticated());
        for (String service : List.of("filing-service", "identity-service", "lifecycle-service", "certification-service",
                "geofence-service")) {
            POLICY.put("GET " + service + " /tlog/checkpoint", open());
            POLICY.put("GET " + service + " /tlog/tile/0/000.p/1", open());
        }
        POLICY.put(l + "FindRobots", only(REG, AUD, MAN, OP));
        POLICY.put(l + "CreateRecallCampaign", only(MAN, REG));
        POLICY.put(l + "GetRecallCampaign", authenticated());
        POLICY.put(l + "ListAffectedRobots", authenticated());
        POLICY.put(l + "WatchStatusChanges", only(SVC, REG, AUD));

        String c = "robotid.certification.v1.CertificationService/";
        POLICY.put(c + "AccreditBody", only(REG));
        POLICY.put(c + "GetBody", authenticated());
        POLICY.put(c + "SubmitTestResult", only(BODY));
        // anyone may ask; a result the caller may not see does not exist for it (NOT_FOUND)
        POLICY.put(c + "GetTestResult", authenticated());
        POLICY.put(c + "ListTestResults", only(REG, AUD, MAN, BODY));
        POLICY.put(c + "GetCertificate", authenticated());
        POLICY.put(c + "ListCertificates", authenticated());
        POLICY.put(c + "SuspendCertificate", only(REG, BODY));
        POLICY.put(c + "ReinstateCertificate", only(REG, BODY));
        POLICY.put(c + "RevokeCertificate", only(REG, BODY));
        POLICY.put(c + "GetEffectiveCertifications", authenticated());
        POLICY.put(c + "WatchCertificationChanges", only(SVC, REG, AUD));
        POLICY.put(c + "VerifyRecords", open());

        String g = "robotid.geofence.v1.GeofenceService/";
        POLICY.put(g + "CreateZone", only(ZA, REG));
        POLICY.put(g + "UpdateZone", only(ZA, REG));
        POLICY.put(g + "DeleteZone", only(ZA, REG));
        POLICY.put(g + "GetZone", authenticated());
        POLICY.put(g + "ListZones", authenticated());
        POLICY.put(g + "GrantPermission", only(ZA, REG));
        POLICY.put(g + "RevokePermission", only(ZA, REG));
        POLICY.put(g + "ListGrants", only(ZA, REG, AUD, ROBOT, OP));
        POLICY.put(g + "CheckPermission", only(ROBOT, OP, ZA, REG));
        POLICY.put(g + "StreamChecks", only(ROBOT, OP, ZA, REG));
        POLICY.put(g + "GetPermissionBundle", only(ROBOT, OP, ZA, REG));
        POLICY.put(g + "WatchPermissions", only(ROBOT, OP, ZA, REG));
        POLICY.put(g + "ListSigningKeys", open());
        POLICY.put(g + "ListDenials", only(REG, AUD, ZA));
        POLICY.put(g + "Echo", only(ROBOT, OP, ZA, REG));
        POLICY.put(g + "ListPolicyChanges", only(REG, AUD));
        POLICY.put(g + "VerifyRecords", only(REG, AUD));

        POLICY.put("grpc.health.v1.Health/Check", open());
        POLICY.put("grpc.health.v1.Health/Watch", open());
        // the API's shape is public (grpcurl); what it answers is not
        POLICY.put("grpc.reflection.v1.ServerReflection/ServerReflectionInfo", open());
        POLICY.put("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", open());

        // REST: "METHOD service path"
        POLICY.put("POST certification-service /api/v1/test-results", only(BODY));
        POLICY.put("GET certification-service /api/v1/test-results/00000000-0000-0000-0000-000000000000", authenticated());
        POLICY.put("GET certification-service /api/v1/certificates/00000000-0000-0000-0000-000000000000", authenticated());
        POLICY.put("GET certification-service /api/v1/certificates?subject=X", authenticated());
        POLICY.put("GET certification-service /api/v1/robots/XX0000000000000000000000000000/effective-certifications",
                authenticated());
        POLICY.put("GET identity-service /r/XX0000000000000000000000000000", open());
        POLICY.put("GET identity-service /r/XX0000000000000000000000000000/qr.png", open());
        POLICY.put("GET identity-service /r/XX0000000000000000000000000000/history", open());
        POLICY.put("POST identity-service /r/XX0000000000000000000000000000/history/shares", only(OP));
        POLICY.put("GET identity-service /api/v1/signing-keys/jwks.json", open());
        // anyone who scans a robot's label may report about it (rate-limited per client address)
        POLICY.put("POST identity-service /r/XX0000000000000000000000000000/report", open());
        POLICY.put("GET identity-service /r-assets/page.css", open());
    }

    /** Served by every server besides its own service. */
    static final List<ServiceDescriptor> COMMON = List.of(HealthGrpc.getServiceDescriptor(),
            io.grpc.reflection.v1.ServerReflectionGrpc.getServiceDescriptor(),
            grpc.reflection.v1alpha.ServerReflectionGrpc.getServiceDescriptor());

    /** The services whose every RPC must have a row (their descriptors), per server. */
    static final Map<String, List<ServiceDescriptor>> DESCRIPTORS = new LinkedHashMap<>();
    static {
        DESCRIPTORS.put("filing-service", List.of(FilingServiceGrpc.getServiceDescriptor(),
                io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.getServiceDescriptor()));
        DESCRIPTORS.put("identity-service", List.of(IdentityServiceGrpc.getServiceDescriptor(),
                io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.getServiceDescriptor()));
        DESCRIPTORS.put("lifecycle-service", List.of(LifecycleServiceGrpc.getServiceDescriptor(),
                io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.getServiceDescriptor()));
        DESCRIPTORS.put("certification-service", List.of(CertificationServiceGrpc.getServiceDescriptor(),
                io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.getServiceDescriptor()));
        DESCRIPTORS.put("geofence-service", List.of(GeofenceServiceGrpc.getServiceDescriptor(),
                io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc.getServiceDescriptor()));
    }

    static final Duration UNARY_DEADLINE = Duration.ofSeconds(10);
    /** A watch that passed authorization may send nothing: its deadline is then the (passing) answer. */
    static final Duration STREAM_DEADLINE = Duration.ofSeconds(3);

    static Registry registry;
    static ExecutorService pool;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static final String tag = UUID.randomUUID().toString().substring(0, 6).toUpperCase();

    /** A caller: a name, its bearer token (null: none), its role if the token is a valid one. */
    record Caller(String name, String token, Role role) {
        boolean valid() {
            return role != null;
        }
    }

    @BeforeAll
    static void start() {
        registry = new Registry().start(SERVICES.toArray(String[]::new));
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void everyRpcAndEndpointAgainstEveryCaller() throws Exception {
        List<String> missing = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (var entry : DESCRIPTORS.entrySet()) {
            List<ServiceDescriptor> services = new ArrayList<>(entry.getValue());
            services.addAll(COMMON);
            // every gRPC service the server offers (asked by reflection) must be one enumerated here
            Set<String> known = services.stream().map(ServiceDescriptor::getName).collect(java.util.stream.Collectors.toSet());
            for (String offered : offeredServices(entry.getKey())) {
                if (!known.contains(offered)) {
                    missing.add(entry.getKey() + " offers " + offered + ", which this test does not enumerate");
                }
            }
            for (ServiceDescriptor service : services) {
                for (MethodDescriptor<?, ?> method : service.getMethods()) {
                    String name = method.getFullMethodName();
                    seen.add(name);
                    if (!POLICY.containsKey(name)) {
                        missing.add(name);
                    }
                    probes.add(new Probe(entry.getKey(), name, method, null, null, null));
                }
            }
        }
        for (String row : POLICY.keySet()) {
            if (row.contains(" ")) {
                String[] parts = row.split(" ", 3);
                probes.add(new Probe(parts[1], row, null, parts[0], parts[2], row.startsWith("POST")
                        ? "{\"request_id\":\"" + UUID.randomUUID() + "\"}" : null));
            } else if (!seen.contains(row)) {
                missing.add(row + " (a policy row without an RPC)");
            }
        }
        // and every JAX-RS endpoint of the services' sources, so a new REST endpoint cannot be forgotten either
        for (String endpoint : restEndpointsInSources()) {
            if (POLICY.keySet().stream().noneMatch(row -> rowMatches(row, endpoint))) {
                missing.add(endpoint + " (a REST endpoint in the sources)");
            }
        }
        assertThat(missing).as("RPCs and endpoints without a row in the policy table (or rows without an RPC)").isEmpty();

        List<Caller> callers = callers();
        // twice: cold, then with every service's cache of verified tokens warm from the first pass (the same
        // tokens again), so that a cached token never lets through what the token alone would not
        List<String> violations = new ArrayList<>(pass("cold", probes, callers));
        violations.addAll(pass("warm", probes, callers));
        assertThat(violations).as("authorization violations").isEmpty();
    }

    private List<String> pass(String name, List<Probe> probes, List<Caller> callers) throws Exception {
        Instant began = Instant.now();
        Map<String, CompletableFuture<String>> calls = new LinkedHashMap<>();
        for (Probe probe : probes) {
            for (Caller caller : callers) {
                calls.put(probe.where() + " by " + caller.name(),
                        CompletableFuture.supplyAsync(() -> probe.call(caller), pool));
            }
        }
        List<String> violations = new ArrayList<>();
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> openWithBadToken = new ArrayList<>();
        int i = 0;
        for (Probe probe : probes) {
            Policy policy = POLICY.get(probe.name());
            for (Caller caller : callers) {
                String status = calls.get(probe.where() + " by " + caller.name()).get(60, TimeUnit.SECONDS);
                i++;
                statuses.merge(status, 1, Integer::sum);
                Outcome outcome = classify(status);
                boolean allowed = caller.valid() ? policy.allows(caller.role()) : policy.open() && caller.token() == null;
                if (policy.open() && !caller.valid() && caller.token() != null) {
                    // public, with a bad token: refusing it is as fine as ignoring it; only recorded
                    if (outcome == Outcome.PASSED_AUTH) {
                        openWithBadToken.add(probe.where() + " by " + caller.name());
                    }
                    continue;
                }
                if (outcome == Outcome.PASSED_AUTH && !allowed) {
                    violations.add("HOLE (" + name + "): " + probe.where() + " passed authorization for " + caller.name()
                            + " (" + status + ")");
                } else if (outcome == Outcome.AUTH_REFUSED && allowed) {
                    violations.add("TABLE WRONG (" + name + "): " + probe.where() + " refused " + caller.name() + " ("
                            + status + ") but the policy allows it");
                }
            }
        }
        Duration took = Duration.between(began, Instant.now());
        System.out.printf("authorization matrix, %s: %d RPCs and endpoints x %d callers = %d calls in %d ms; statuses %s%n",
                name, probes.size(), callers.size(), i, took.toMillis(), statuses);
        System.out.println("public endpoints that ignore a bad token: " + openWithBadToken.size());
        return violations;
    }

    private static final Pattern JAXRS_PATH = Pattern.compile("@Path\\(\"([^\"]*)\"\\)");
    private static final Pattern JAXRS_VERB = Pattern.compile("@(GET|POST|PUT|DELETE|PATCH)\\b");
    private static final Pattern CLASS_DECLARATION = Pattern.compile("(?m)^(public |final |abstract )*class ");

    /**
     * Every JAX-RS endpoint in the services' main sources, as {@code VERB service /path/{param}}: a
     * resource class's {@code @Path} joined with each verb method's own {@code @Path}.
     */
    static List<String> restEndpointsInSources() throws java.io.IOException {
        java.nio.file.Path root = io.robotid.testkit.ServiceProcess.repositoryRoot();
        List<String> endpoints = new ArrayList<>();
        for (String service : SERVICES) {
            try (var files = java.nio.file.Files.walk(root.resolve(service).resolve("src/main/java"))) {
                for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String text = java.nio.file.Files.readString(file);
                    Matcher declaration = CLASS_DECLARATION.matcher(text);
                    int classAt = declaration.find() ? declaration.start() : -1;
                    Matcher base = JAXRS_PATH.matcher(classAt < 0 ? "" : text.substring(0, classAt));
                    if (!base.find()) {
                        continue; // not a resource class
                    }
                    Matcher verb = JAXRS_VERB.matcher(text);
                    while (verb.find()) {
                        // the method's annotations: from the end of the member before it to its signature
                        // (line ends only: braces inside @Path("/r/{id}") do not end anything)
                        int from = Math.max(Math.max(text.lastIndexOf(";\n", verb.start()), text.lastIndexOf("}\n", verb.start())),
                                text.lastIndexOf("{\n", verb.start()));
                        int to = text.indexOf(" public ", verb.end());
                        Matcher own = JAXRS_PATH.matcher(text.substring(from + 1, to < 0 ? text.length() : to));
                        String path = ("/" + base.group(1) + "/" + (own.find() ? own.group(1) : "")).replaceAll("/+", "/");
                        endpoints.add(verb.group(1) + " " + service + " " + (path.length() > 1 ? path.replaceAll("/$", "") : path));
                    }
                }
            }
        }
        assertThat(endpoints).as("REST endpoints found in the sources").hasSizeGreaterThanOrEqualTo(8)
                .contains("POST identity-service /r/{id}/report", "GET identity-service /api/v1/signing-keys/jwks.json",
                        "GET certification-service /api/v1/test-results/{resultId}");
        return endpoints;
    }

    /** Whether a policy row ({@code VERB service /concrete/path?query}) is a call of {@code VERB service /path/{param}}. */
    static boolean rowMatches(String row, String endpoint) {
        String[] r = row.split(" ", 3);
        String[] e = endpoint.split(" ", 3);
        if (r.length < 3 || !r[0].equals(e[0]) || !r[1].equals(e[1])) {
            return false;
        }
        String[] concrete = r[2].split("\\?")[0].split("/");
        String[] template = e[2].split("/");
        if (concrete.length != template.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            if (!template[i].startsWith("{") && !template[i].equals(concrete[i])) {
                return false;
            }
        }
        return true;
    }

    /** The gRPC services a server lists by reflection. */
    static List<String> offeredServices(String service) throws Exception {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        List<String> found = new ArrayList<>();
        var requests = io.grpc.reflection.v1.ServerReflectionGrpc.newStub(registry.channel(service))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .serverReflectionInfo(new io.grpc.stub.StreamObserver<io.grpc.reflection.v1.ServerReflectionResponse>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1.ServerReflectionResponse response) {
                        response.getListServicesResponse().getServiceList().forEach(s -> found.add(s.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        names.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        names.complete(found);
                    }
                });
        requests.onNext(io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();
        List<String> offered = names.get(15, TimeUnit.SECONDS);
        assertThat(offered).as("services offered by " + service).isNotEmpty();
        return offered;
    }

    static Outcome classify(String status) {
        return status.equals("UNAUTHENTICATED") || status.equals("PERMISSION_DENIED") || status.equals("HTTP 401")
                || status.equals("HTTP 403") ? Outcome.AUTH_REFUSED : Outcome.PASSED_AUTH;
    }

    /** A gRPC method ({@code method} set) or a REST endpoint ({@code verb}, {@code path}). */
    record Probe(String service, String name, MethodDescriptor<?, ?> method, String verb, String path, String body) {
        String where() {
            return method != null ? service + " " + name : name;
        }

        String call(Caller caller) {
            return method != null ? grpc(service, method, caller.token()) : rest(service, verb, path, body, caller.token());
        }
    }

    @SuppressWarnings({ "unchecked", "rawtypes" })
    static String grpc(String service, MethodDescriptor<?, ?> raw, String token) {
        MethodDescriptor<Object, Object> method = (MethodDescriptor) raw;
        Object request = ((MethodDescriptor.PrototypeMarshaller<Object>) method.getRequestMarshaller()).getMessagePrototype();
        Channel channel = registry.channel(service);
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            channel = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        boolean unary = method.getType() == MethodDescriptor.MethodType.UNARY;
        Duration deadline = unary ? UNARY_DEADLINE : STREAM_DEADLINE;
        ClientCall<Object, Object> call = channel.newCall(method,
                CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
        CompletableFuture<Status> answer = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(Object message) {
                answer.complete(Status.OK);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                answer.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        try {
            Status status = answer.get(deadline.toMillis() + 5000, TimeUnit.MILLISECONDS);
            return status.getCode().name();
        } catch (Exception e) {
            return "NO_ANSWER";
        } finally {
            call.cancel("probe done", null);
        }
    }

    static String rest(String service, String verb, String path, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registry.baseUrl(service) + path))
                .timeout(UNARY_DEADLINE);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json").method(verb, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(verb, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return "HTTP " + http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return "HTTP_FAILED " + e.getClass().getSimpleName();
        }
    }

    /** No token, bad tokens (each with the REGULATOR role, the strongest), then one valid token per role. */
    static List<Caller> callers() throws Exception {
        List<Caller> callers = new ArrayList<>();
        callers.add(new Caller("no token", null, null));
        callers.add(new Caller("an expired token", registry.token("REGULATOR", "expired_at", "2001-09-09"), null));
        callers.add(new Caller("a token for another audience", registry.token("REGULATOR", "audience", "someone-else"),
                null));
        KeyPair own = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        callers.add(new Caller("a token of another issuer",
                forged(own, "http://127.0.0.1:18599/elsewhere", Role.REGULATOR), null));
        callers.add(new Caller("a token in the provider's name signed with another key",
                forged(own, registry.issuer(), Role.REGULATOR), null));
        callers.add(new Caller("an unsigned token (alg none)", unsigned(registry.issuer(), Role.REGULATOR), null));
        Map<Role, Supplier<String>> tokens = new LinkedHashMap<>();
        tokens.put(Role.REGULATOR, () -> registry.token("REGULATOR"));
        tokens.put(Role.MANUFACTURER, () -> registry.token("MANUFACTURER", "manufacturer_code", "ZZZ9"));
        tokens.put(Role.CERTIFICATION_BODY,
                () -> registry.token("CERTIFICATION_BODY", "certification_body_id", "BODY-MATRIX-" + tag));
        tokens.put(Role.OPERATOR, () -> registry.token("OPERATOR", "org_id", "operator-matrix"));
        tokens.put(Role.SERVICE_PROVIDER, () -> registry.token("SERVICE_PROVIDER", "org_id", "service-matrix"));
        tokens.put(Role.RECYCLER, () -> registry.token("RECYCLER", "org_id", "recycler-matrix"));
        tokens.put(Role.ZONE_AUTHORITY, () -> registry.token("ZONE_AUTHORITY", "org_id", "authority-matrix"));
        tokens.put(Role.ROBOT, () -> registry.token("ROBOT", "robot_id", "DE0000000000000000000000000000"));
        tokens.put(Role.AUDITOR, () -> registry.token("AUDITOR"));
        tokens.put(Role.REGISTRY_SERVICE, () -> registry.token("REGISTRY_SERVICE"));
        assertThat(tokens.keySet()).containsExactlyInAnyOrder(Role.values());
        tokens.forEach((role, token) -> callers.add(new Caller(role.name(), token.get(), role)));
        return callers;
    }

    static String forged(KeyPair key, String issuer, Role role) throws Exception {
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"matrix-" + tag + "\"}";
        String claims = claims(issuer, role, now);
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key.getPrivate());
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        // the public key is not published anywhere the services look
        assertThat(((RSAPublicKey) key.getPublic()).getModulus()).isNotEqualTo(BigInteger.ZERO);
        return signingInput + "." + b64(rsa.sign());
    }

    static String unsigned(String issuer, Role role) {
        long now = Instant.now().getEpochSecond();
        return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims(issuer, role, now).getBytes(StandardCharsets.UTF_8)) + ".";
    }

    static String claims(String issuer, Role role, long now) {
        return "{\"iss\":\"" + issuer + "\",\"sub\":\"" + role + "\",\"aud\":[\"robotid\"],\"groups\":[\"" + role
                + "\"],\"iat\":" + now + ",\"nbf\":" + now + ",\"exp\":" + (now + 3600) + ",\"jti\":\"" + UUID.randomUUID()
                + "\"}";
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * A token of the right role for another organisation, against the RPCs that bind one, with
     * requests that are otherwise valid: each must be refused (PERMISSION_DENIED, or UNAUTHENTICATED).
     */
    @Test
    @Order(2)
    void theRightRoleForAnotherOrganisationIsRefused() {
        Registrations a = Registrations.accepted(registry, "Matrix Robotics A " + tag);
        Registrations b = Registrations.accepted(registry, "Matrix Robotics B " + tag);
        List<String> robots = a.issue(registry, 2);
        String robot = robots.get(0);
        String otherRobot = robots.get(1);
        Map<String, Supplier<Object>> attempts = new LinkedHashMap<>();

        // filing: a site for another manufacturer
        attempts.put("RegisterProductionSite by manufacturer " + b.manufacturerCode + " for " + a.manufacturerCode,
                () -> filing(b.manufacturerToken).registerProductionSite(RegisterProductionSiteRequest.newBuilder()
                        .setRequestId(uuid()).setManufacturerCode(a.manufacturerCode).setName("Not mine")
                        .setAddress("1 Elsewhere Street").setCountry("DE").build()));
        // identity: identities of another manufacturer's model
        attempts.put("IssueIdentities by manufacturer " + b.manufacturerCode + " for model " + a.modelCode,
                () -> {
                    var it = identity(b.manufacturerToken).issueIdentities(IssueIdentitiesRequest.newBuilder()
                            .setRequestId(uuid()).setModelCode(a.modelCode).setSiteCode(a.siteCode).setProductionYear(26)
                            .setCount(1).build());
                    return it.hasNext() ? it.next() : null;
                });
        // lifecycle: an event on another manufacturer's robot, a recall of its model
        Supplier<RecordEventRequest> produced = () -> RecordEventRequest.newBuilder().setRequestId(uuid()).setRobotId(robot)
                .setOccurredAt(now()).setPayload(EventPayload.newBuilder().setProduced(Produced.newBuilder()
                        .setBuildDate("2026-01-15").setFirmwareVersion("1.0.0").setFactoryTestPassed(true)
                        .addComponents(Component.newBuilder().setPartNumber("BAT-48V").setLot("B3").setSerial("BAT-48V-B3-1")
                                .setCategory(ComponentCategory.COMPONENT_CATEGORY_BATTERY).setSafetyRelevant(true))))
                .build();
        attempts.put("RecordEvent PRODUCED by manufacturer " + b.manufacturerCode + " on " + robot,
                () -> lifecycle(b.manufacturerToken).recordEvent(produced.get()));
        attempts.put("CreateRecallCampaign by manufacturer " + b.manufacturerCode + " for model " + a.modelCode,
                () -> lifecycle(b.manufacturerToken).createRecallCampaign(CreateRecallCampaignRequest.newBuilder()
                        .setRequestId(uuid()).setTitle("Not my recall").setDescription("A recall of someone else's model")
                        .setSeverity(RecallSeverity.RECALL_SEVERITY_ADVISORY)
                        .setCriteria(RecallCriteria.newBuilder().addModelCodes(a.modelCode)).build()));

        // certification: body A accredited for BASE_SAFETY, body B for MOBILITY only
        String bodyA = "MATRIX-A-" + tag;
        String bodyB = "MATRIX-B-" + tag;
        var regulator = certification(registry.token("REGULATOR"));
        regulator.accreditBody(AccreditBodyRequest.newBuilder().setRequestId(uuid()).setBodyId(bodyA).setName("Lab A " + tag)
                .setCountry("DE").addTiers(Tier.TIER_BASE_SAFETY).addStandards("ISO 13482:2014").build());
        regulator.accreditBody(AccreditBodyRequest.newBuilder().setRequestId(uuid()).setBodyId(bodyB).setName("Lab B " + tag)
                .setCountry("FR").addTiers(Tier.TIER_MOBILITY).addStandards("ISO 13482:2014").build());
        String tokenA = registry.token("CERTIFICATION_BODY", "certification_body_id", bodyA);
        String tokenB = registry.token("CERTIFICATION_BODY", "certification_body_id", bodyB);
        String tokenC = registry.token("CERTIFICATION_BODY", "certification_body_id", "MATRIX-UNACCREDITED-" + tag);
        String certificate = certification(tokenA).submitTestResult(testResult(a.modelCode, Tier.TIER_BASE_SAFETY))
                .getCertificate().getCertificateId();
        assertThat(certificate).isNotEmpty();
        attempts.put("SubmitTestResult BASE_SAFETY by body " + bodyB + " (accredited for MOBILITY only)",
                () -> certification(tokenB).submitTestResult(testResult(a.modelCode, Tier.TIER_BASE_SAFETY)));
        attempts.put("SubmitTestResult by a body nobody accredited",
                () -> certification(tokenC).submitTestResult(testResult(a.modelCode, Tier.TIER_BASE_SAFETY)));
        attempts.put("SuspendCertificate of " + bodyA + "'s certificate by " + bodyB,
                () -> certification(tokenB).suspendCertificate(SuspendCertificateRequest.newBuilder().setRequestId(uuid())
                        .setCertificateId(certificate).setReason("not mine to suspend").build()));

        // geofence: another authority's zone; another robot
        String authorityA = "matrix-authority-a-" + tag.toLowerCase();
        String authorityB = "matrix-authority-b-" + tag.toLowerCase();
        String zoneAuthorityA = registry.token("ZONE_AUTHORITY", "org_id", authorityA);
        String zoneAuthorityB = registry.token("ZONE_AUTHORITY", "org_id", authorityB);
        ZoneDefinition definition = ZoneDefinition.newBuilder().setName("Matrix yard " + tag)
                .setKind(ZoneKind.ZONE_KIND_RESTRICTED).setGeojson("{\"type\":\"Polygon\",\"coordinates\":[[[13.40,52.50],"
                        + "[13.41,52.50],[13.41,52.51],[13.40,52.51],[13.40,52.50]]]}")
                .build();
        Zone zone = geofence(zoneAuthorityA).createZone(CreateZoneRequest.newBuilder().setRequestId(uuid()).setZone(definition)
                .build()).getZone();
        attempts.put("GrantPermission by authority " + authorityB + " into " + authorityA + "'s zone",
                () -> geofence(zoneAuthorityB).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(uuid())
                        .setZoneId(zone.getZoneId()).setRobotId(robot).build()));
        attempts.put("UpdateZone by authority " + authorityB + " of " + authorityA + "'s zone",
                () -> geofence(zoneAuthorityB).updateZone(UpdateZoneRequest.newBuilder().setRequestId(uuid())
                        .setZoneId(zone.getZoneId()).setZone(definition.toBuilder().setName("Taken over")).build()));
        attempts.put("DeleteZone by authority " + authorityB + " of " + authorityA + "'s zone",
                () -> geofence(zoneAuthorityB).deleteZone(DeleteZoneRequest.newBuilder().setRequestId(uuid())
                        .setZoneId(zone.getZoneId()).setReason("not mine").build()));
        CheckPermissionRequest check = CheckPermissionRequest.newBuilder().setRobotId(otherRobot)
                .setPosition(Position.newBuilder().setLatitude(52.505).setLongitude(13.405)).setTaskCategory("delivery").build();
        attempts.put("CheckPermission by ROBOT " + robot + " for " + otherRobot,
                () -> geofence(registry.token("ROBOT", "robot_id", robot)).checkPermission(check));
        attempts.put("CheckPermission by an OPERATOR that does not run " + otherRobot,
                () -> geofence(registry.token("OPERATOR", "org_id", "matrix-stranger-" + tag)).checkPermission(check));

        // controls (after the attempts): the same kind of request by the organisation it belongs to passes authorization
        Map<String, Supplier<Object>> controls = new LinkedHashMap<>();
        controls.put("RecordEvent PRODUCED by manufacturer " + a.manufacturerCode + " on its own " + robot,
                () -> lifecycle(a.manufacturerToken).recordEvent(produced.get()));
        controls.put("SubmitTestResult MOBILITY by " + bodyB + " (in its scope)",
                () -> certification(tokenB).submitTestResult(testResult(a.modelCode, Tier.TIER_MOBILITY)));
        controls.put("GrantPermission by " + authorityA + " into its own zone",
                () -> geofence(zoneAuthorityA).grantPermission(GrantPermissionRequest.newBuilder().setRequestId(uuid())
                        .setZoneId(zone.getZoneId()).setRobotId(robot).build()));
        controls.put("CheckPermission by ROBOT " + otherRobot + " for itself",
                () -> geofence(registry.token("ROBOT", "robot_id", otherRobot)).checkPermission(check));

        List<String> violations = new ArrayList<>();
        attempts.forEach((what, attempt) -> {
            try {
                attempt.get();
                violations.add("HOLE: " + what + " succeeded");
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code != Status.Code.PERMISSION_DENIED && code != Status.Code.UNAUTHENTICATED) {
                    violations.add("NOT REFUSED: " + what + " answered " + code + " " + e.getStatus().getDescription());
                }
            }
        });
        controls.forEach((what, control) -> {
            try {
                control.get();
            } catch (StatusRuntimeException e) {
                // past authorization is enough (a robot geofence-service does not know yet may be NOT_FOUND)
                if (classify(e.getStatus().getCode().name()) == Outcome.AUTH_REFUSED) {
                    violations.add("CONTROL FAILED: " + what + " answered " + e.getStatus().getCode() + " "
                        + e.getStatus().getDescription());
                }
            }
        });
        System.out.printf("another organisation: %d attempts and %d controls, %d violations%n", attempts.size(),
                controls.size(), violations.size());
        assertThat(violations).as("the right role for another organisation").isEmpty();
    }

    static SubmitTestResultRequest testResult(String subject, Tier tier) {
        Instant now = Instant.now();
        return SubmitTestResultRequest.newBuilder().setRequestId(uuid()).setSubject(subject).setTier(tier)
                .addStandards("ISO 13482:2014").setTestDate(ts(now.minusSeconds(60)))
                .setOutcome(io.robotid.proto.certification.v1.Outcome.OUTCOME_PASS)
                .setEvidence(Evidence.newBuilder().setReportUri("https://lab.example/reports/" + uuid())
                        .setReportSha256("ab".repeat(32)))
                .setValidity(Validity.newBuilder().setValidUntil(ts(now.plus(Duration.ofDays(365))))).build();
    }

    static Timestamp now() {
        return ts(Instant.now());
    }

    static Timestamp ts(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    static FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return Registry.as(FilingServiceGrpc.newBlockingStub(registry.channel("filing-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static IdentityServiceGrpc.IdentityServiceBlockingStub identity(String token) {
        return Registry.as(IdentityServiceGrpc.newBlockingStub(registry.channel("identity-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return Registry.as(LifecycleServiceGrpc.newBlockingStub(registry.channel("lifecycle-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static CertificationServiceGrpc.CertificationServiceBlockingStub certification(String token) {
        return Registry.as(CertificationServiceGrpc.newBlockingStub(registry.channel("certification-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    static GeofenceServiceGrpc.GeofenceServiceBlockingStub geofence(String token) {
        return Registry.as(GeofenceServiceGrpc.newBlockingStub(registry.channel("geofence-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
