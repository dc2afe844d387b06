package io.robotid.system.life;

import io.robotid.evidence.tlog.RecordProofs;
import io.robotid.evidence.tlog.WitnessPolicy;
import io.robotid.proto.tlog.v1.GetLogInfoRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import com.google.rpc.ErrorInfo;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.robotid.proto.certification.v1.AccreditBodyRequest;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.CertificationServiceGrpc;
import io.robotid.proto.certification.v1.EffectiveTier;
import io.robotid.proto.certification.v1.Environment;
import io.robotid.proto.certification.v1.Evidence;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsRequest;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsResponse;
import io.robotid.proto.certification.v1.MissingRequirement;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.Outcome;
import io.robotid.proto.certification.v1.Requirement;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.certification.v1.SubjectKind;
import io.robotid.proto.certification.v1.SubmitTestResultRequest;
import io.robotid.proto.certification.v1.Tier;
import io.robotid.proto.certification.v1.Validity;
import io.robotid.proto.common.v1.Contact;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.FilingServiceGrpc;
import io.robotid.proto.filing.v1.FilingStatus;
import io.robotid.proto.filing.v1.GetManufacturerRequest;
import io.robotid.proto.filing.v1.GetModelRequest;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.identity.v1.CertificateCheck;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.identity.v1.IdentityCertificate;
import io.robotid.evidence.tlog.HistoryReport;
import io.robotid.evidence.tlog.HistoryReports;
import io.robotid.proto.identity.v1.CreateHistoryShareRequest;
import io.robotid.proto.identity.v1.CreateHistoryShareResponse;
import io.robotid.proto.identity.v1.GetHistoryReportRequest;
import io.robotid.proto.identity.v1.IdentityServiceGrpc;
import io.robotid.proto.identity.v1.Verdict;
import io.robotid.proto.identity.v1.VerifyIdentityRequest;
import io.robotid.proto.identity.v1.VerifyIdentityResponse;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.ComponentCategory;
import io.robotid.proto.lifecycle.v1.ComponentReplaced;
import io.robotid.proto.lifecycle.v1.CreateRecallCampaignRequest;
import io.robotid.proto.lifecycle.v1.DataWipeAttestation;
import io.robotid.proto.lifecycle.v1.Decommissioned;
import io.robotid.proto.lifecycle.v1.Deployed;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.GetRecallCampaignRequest;
import io.robotid.proto.lifecycle.v1.GetRobotStatusRequest;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.LifecycleServiceGrpc;
import io.robotid.proto.lifecycle.v1.ListEventsRequest;
import io.robotid.proto.lifecycle.v1.ListEventsResponse;
import io.robotid.proto.lifecycle.v1.Produced;
import io.robotid.proto.lifecycle.v1.RecallCampaign;
import io.robotid.proto.lifecycle.v1.RecallCriteria;
import io.robotid.proto.lifecycle.v1.RecallRemedied;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.RecordEventRequest;
import io.robotid.proto.lifecycle.v1.Recycled;
import io.robotid.proto.lifecycle.v1.Reinstated;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.proto.lifecycle.v1.Scrapped;
import io.robotid.proto.lifecycle.v1.SoftwareUpdated;
import io.robotid.proto.lifecycle.v1.Sold;
import io.robotid.proto.lifecycle.v1.Suspended;
import io.robotid.proto.lifecycle.v1.TransferAccepted;
import io.robotid.proto.lifecycle.v1.TransferInitiated;
import io.robotid.proto.lifecycle.v1.VerifyChainRequest;
import io.robotid.proto.lifecycle.v1.VerifyChainResponse;
import io.robotid.system.support.Endpoints;
import io.robotid.system.support.Registrations;

/**
 * One robot's whole life across the registry (issue 8), through the public APIs only: gRPC with
 * tokens obtained by client credentials, REST where a certification body posts JSON, the public
 * page over HTTP. Used by the system test ({@code RobotWholeLifeSystemIT}, against processes it
 * started) and by {@code bin/robotid demo} (against the local run), so both tell the same story.
 *
 * <p>Each step checks its outcomes and throws an {@link AssertionError} saying what was expected
 * when one is not what the design says; each prints what happened, in plain words, with the IDs.
 * Each step is one trace: every call of a step carries a W3C {@code traceparent} with the step's
 * trace id ({@link #traceIds()}), so its spans in every service it reaches share that id.
 *
 * <p>The geofence parts (steps 5, 6, 7, 8, 10) are calls to a {@link Geofence} ({@link GeofenceSteps}
 * over geofence-service), at the places marked {@code // geofence: step ...}.
 */
public final class RobotLife {
    static final Duration FEED_WAIT = Duration.ofSeconds(30);
    static final String FIRMWARE = "3.1.0";
    static final String FIXED_FIRMWARE = "3.1.1";
    static final String STANDARD = "ISO 13482:2014";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    private final Endpoints endpoints;
    private final Endpoints traced;
    private final PrintStream out;
    private final Geofence geofence;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, String> traceIds = new LinkedHashMap<>();
    private final Map<Integer, String> traceparents = new LinkedHashMap<>();
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private volatile String traceparent;
    private int step;

    /** A short random tag so that organisations and bodies of one run never meet those of another. */
    public final String tag = Long.toString(Math.abs(RANDOM.nextLong()) % 1_679_616L + 1_679_616L, 36).toUpperCase();
    public final String firstOwner = "org-first-owner-" + tag.toLowerCase();
    public final String owner = "org-city-services-" + tag.toLowerCase();
    public final String serviceProvider = "org-fixit-" + tag.toLowerCase();
    public final String recycler = "org-green-recycling-" + tag.toLowerCase();
    public final String restBody = "TUV-REST-" + tag;
    public final String grpcBody = "DEKRA-GRPC-" + tag;

    // What the steps made, for the geofence steps and for the test's own checks.
    public Registrations maker;
    public List<Identity> batch;
    public Identity robot;
    public String recallCampaignId;
    public String reportReference;
    public JsonNode page;
    public String pageUrl;
    public VerifyChainResponse chain;
    public List<LifecycleEvent> events;
    /** Events this story recorded or caused on the robot's chain, in order. */
    public final List<EventType> expectedChain = new ArrayList<>();
    /** When the last RecordEvent call of this story was made (the geofence steps time their answers from it). */
    public volatile Instant lastRecordCalledAt;

    public RobotLife(Endpoints endpoints, PrintStream out, Geofence geofence) {
        this.endpoints = endpoints;
        this.out = out;
        this.geofence = geofence;
        this.traced = new Traced();
    }

    /** Every step in order. */
    public RobotLife live() {
        step1Filing();
        step2Identities();
        step3ProductionAndCertification();
        step4SaleTransferDeployment();
        step5Zones();
        step6SuspendAndReinstate();
        step7PartReplaced();
        step8StopUseRecall();
        step9PublicReport();
        step10EndOfLife();
        return this;
    }

    /** The trace id of each step (32 hex characters), by step number. */
    public Map<Integer, String> traceIds() {
        return traceIds;
    }

    /** The W3C traceparent every call of each step carried, by step number. */
    public Map<Integer, String> traceparents() {
        return traceparents;
    }

    // ------------------------------------------------------------------------------------------ the steps

    public void step1Filing() {
        begin(1, "A regulator registers a manufacturer; the manufacturer files a site and a model; the regulator accepts it.");
        String legalName = "Whole Life Robotics " + tag;
        maker = Registrations.accepted(traced, legalName);
        Manufacturer manufacturer = filing(token("REGULATOR")).getManufacturer(GetManufacturerRequest.newBuilder()
                .setCode(maker.manufacturerCode).build()).getManufacturer();
        expect(manufacturer.getLegalName().equals(legalName) && manufacturer.getCode().matches("[0-9A-HJ-NP-Z]{4}"),
                "manufacturer " + maker.manufacturerCode + " registered as \"" + legalName + "\" with a 4-character code, got "
                        + manufacturer.getCode() + " \"" + manufacturer.getLegalName() + "\"");
        say("regulator registered manufacturer \"%s\" (%s): manufacturer code %s", legalName, manufacturer.getCountry(),
                manufacturer.getCode());
        say("manufacturer filed production site %s", maker.siteCode);
        ModelFiling model = filing(token("REGULATOR")).getModel(GetModelRequest.newBuilder().setModelCode(maker.modelCode)
                .build()).getFiling();
        expect(model.getStatus() == FilingStatus.FILING_STATUS_ACCEPTED && model.getModelCode().matches("[0-9A-HJ-NP-Z]{6}"),
                "model " + maker.modelCode + " ACCEPTED with a 6-character code, got " + model.getStatus());
        expect(model.getCurrent().getIntelligenceLevel() == IntelligenceLevel.INTELLIGENCE_LEVEL_L1,
                "intelligence level L1 derived from the capability profile (autonomous locomotion only), got "
                        + model.getCurrent().getIntelligenceLevel());
        say("manufacturer filed model \"%s\" (firmware %s, intelligence level L1 derived from its capabilities);"
                + " regulator accepted it: model code %s", model.getCurrent().getSpecification().getName(),
                model.getCurrent().getSpecification().getSoftwareBaseline().getFirmwareVersion(), model.getModelCode());
    }

    public void step2Identities() {
        begin(2, "The manufacturer issues a batch of IDs; each verifies as genuine.");
        batch = maker.issueIdentities(traced, 3);
        expect(batch.size() == 3 && batch.stream().map(Identity::getRobotId).distinct().count() == 3,
                "3 distinct IDs issued, got " + batch.stream().map(Identity::getRobotId).toList());
        for (Identity id : batch) {
            VerifyIdentityResponse v = verify(id);
            expect(v.getVerdict() == Verdict.VERDICT_VALID && v.getCertificate() == CertificateCheck.CERTIFICATE_CHECK_GENUINE
                    && v.getModelCode().equals(maker.modelCode) && v.getCanonicalId().equals(id.getRobotId()),
                    id.getRobotId() + " VALID with a GENUINE certificate of model " + maker.modelCode + ", got "
                            + v.getVerdict() + " / " + v.getCertificate());
            say("issued %s (%s), certificate key %s: VerifyIdentity says %s, certificate %s", id.getRobotId(),
                    id.getDisplayForm(), id.getCertificate().getKeyId(), shortName(v.getVerdict()), shortName(v.getCertificate()));
        }
        robot = batch.get(0);
        say("the robot of this story is %s", robot.getRobotId());
    }

    public void step3ProductionAndCertification() {
        begin(3, "Production is recorded with its parts; a certification body (over REST) and another (over gRPC)"
                + " post passing results for the model and one unit.");
        LifecycleEvent produced = record(maker.manufacturerToken, EventPayload.newBuilder().setProduced(Produced.newBuilder()
                .setBuildDate(LocalDate.now(ZoneOffset.UTC).toString()).setFirmwareVersion(FIRMWARE).setAiModelVersion("nav-7")
                .setFactoryTestPassed(true).setFactoryTestReportUri("https://factory.example/tests/" + tag)
                .addComponents(part("KNEE-ACT-2", "L7", ComponentCategory.COMPONENT_CATEGORY_ACTUATOR, true))
                .addComponents(part("BAT-48V", "B3", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))
                .addComponents(part("CAM-ST", "C1", ComponentCategory.COMPONENT_CATEGORY_SENSOR, false))).build());
        expectStatus(produced, RobotStatus.ROBOT_STATUS_IN_STOCK);
        expect(produced.getRecorded().getTraceId().equals(traceIds.get(step)),
                "the PRODUCED event's audit stamp carries this step's trace id " + traceIds.get(step) + ", got "
                        + produced.getRecorded().getTraceId());
        say("manufacturer recorded PRODUCED (event %d, status %s): knee actuator KNEE-ACT-2 lot L7, battery BAT-48V lot B3"
                + " (both safety-relevant), camera CAM-ST; firmware %s; audit stamp trace id %s", produced.getSequence(),
                shortName(produced.getStatusAfter()), FIRMWARE, produced.getRecorded().getTraceId());

        var regulator = certification(token("REGULATOR"));
        regulator.accreditBody(AccreditBodyRequest.newBuilder().setRequestId(uuid()).setBodyId(restBody)
                .setName("TUV Robotics Lab " + tag).setCountry("DE").addTiers(Tier.TIER_BASE_SAFETY).addTiers(Tier.TIER_MOBILITY)
                .addStandards(STANDARD).build());
        regulator.accreditBody(AccreditBodyRequest.newBuilder().setRequestId(uuid()).setBodyId(grpcBody)
                .setName("DEKRA Robot Testing " + tag).setCountry("FR").addTiers(Tier.TIER_BASE_SAFETY)
                .addTiers(Tier.TIER_MOBILITY).addTiers(Tier.TIER_PUBLIC_SPACE).addStandards(STANDARD).build());
        say("regulator accredited %s (BASE_SAFETY, MOBILITY) and %s (BASE_SAFETY, MOBILITY, PUBLIC_SPACE) for %s",
                restBody, grpcBody, STANDARD);

        String restToken = token("CERTIFICATION_BODY", "certification_body_id", restBody);
        // the conditions limit the payload, not the speed: a certificate's speed limit applies to every check
        // (geofence-engine rule 6), and step 5 shows a plain ALLOW where no zone limits the speed either
        JsonNode baseSafety = postTestResult(restToken, maker.modelCode, "BASE_SAFETY", "PASS_WITH_CONDITIONS",
                Map.of("max_payload_kg", 25.0, "environment", "INDOOR_AND_OUTDOOR", "people_nearby_allowed", true));
        JsonNode mobility = postTestResult(restToken, maker.modelCode, "MOBILITY", "PASS", null);
        say("%s posted over REST (POST /api/v1/test-results) for model %s: BASE_SAFETY passed with conditions (payload at"
                + " most 25 kg, people nearby allowed) -> certificate %s; MOBILITY passed -> certificate %s", restBody, maker.modelCode,
                baseSafety.path("certificate_id").asText(), mobility.path("certificate_id").asText());

        Certificate publicSpace = unitTest(Tier.TIER_PUBLIC_SPACE, OperatingConditions.newBuilder().setMaxPayloadKg(10.0)
                .setEnvironment(Environment.ENVIRONMENT_INDOOR_AND_OUTDOOR).setPeopleNearbyAllowed(true).build());
        say("%s posted over gRPC (SubmitTestResult) for unit %s: PUBLIC_SPACE passed with conditions (payload at most"
                + " 10 kg, people nearby allowed) -> certificate %s", grpcBody, robot.getRobotId(), publicSpace.getCertificateId());

        GetEffectiveCertificationsResponse effective = effective();
        expect(tiers(effective).containsAll(Set.of(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_PUBLIC_SPACE)),
                "BASE_SAFETY, MOBILITY and PUBLIC_SPACE effective, got " + tiers(effective));
        expect(missing(effective, Requirement.REQUIREMENT_ANY_OPERATION).isEmpty()
                && missing(effective, Requirement.REQUIREMENT_PUBLIC_SPACE).isEmpty(),
                "nothing missing for any operation or public spaces, got " + effective.getMissingList());
        expect(effective.getConditions().getMaxPayloadKg() == 10.0 && !effective.getConditions().hasMaxSpeedMPerS(),
                "the tightest payload limit 10 kg and no speed limit, got " + effective.getConditions());
        say("effective certifications of %s: %s; tightest payload limit %.0f kg, no speed limit", robot.getRobotId(),
                names(tiers(effective)), effective.getConditions().getMaxPayloadKg());
    }

    public void step4SaleTransferDeployment() {
        begin(4, "The robot is sold, its custody transferred, and deployed by an operator.");
        LifecycleEvent sold = record(maker.manufacturerToken, EventPayload.newBuilder().setSold(Sold.newBuilder()
                .setBuyerOrgId(firstOwner).setSaleReference("SO-" + tag)).build());
        expectStatus(sold, RobotStatus.ROBOT_STATUS_IN_STOCK);
        expect(state(token("REGULATOR")).getOwnerOrgId().equals(firstOwner), "owner " + firstOwner + " after SOLD");
        say("manufacturer recorded SOLD to %s (event %d)", firstOwner, sold.getSequence());

        String firstOwnerToken = token("OPERATOR", "org_id", firstOwner);
        String ownerToken = token("OPERATOR", "org_id", owner);
        LifecycleEvent initiated = record(firstOwnerToken, EventPayload.newBuilder().setTransferInitiated(
                TransferInitiated.newBuilder().setToOrgId(owner).setReason("fleet sold to the city")).build());
        expect(state(ownerToken).getPendingTransferTo().equals(owner), "a transfer to " + owner + " pending");
        say("%s recorded TRANSFER_INITIATED to %s (event %d); the transfer waits for the other side", firstOwner, owner,
                initiated.getSequence());
        // the seller shows the robot's history to the buyer by a share link (made over REST), which the sale closes
        HttpResponse<String> made = send(HttpRequest.newBuilder(URI.create(endpoints.baseUrl("identity-service") + "/r/"
                + robot.getRobotId() + "/history/shares")).header("Authorization", "Bearer " + firstOwnerToken)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"validForSeconds\": 3600, \"recipient\": \"" + owner + "\"}")));
        expect(made.statusCode() == 201, "the seller's share link made (201), got " + made.statusCode() + " " + made.body());
        String sellersUrl = local(read(made.body()).path("url").asText());
        HttpResponse<String> beforeSale = get(sellersUrl, "application/json");
        expect(beforeSale.statusCode() == 200 && HistoryReport.parse(beforeSale.body()).audience().contains(firstOwner),
                "the seller's share link opens the history report, got " + beforeSale.statusCode() + " " + beforeSale.body());
        LifecycleEvent accepted = record(ownerToken, EventPayload.newBuilder().setTransferAccepted(
                TransferAccepted.newBuilder().setFromOrgId(firstOwner)).build());
        HttpResponse<String> afterSale = get(sellersUrl, "application/json");
        expect(afterSale.statusCode() == 403 && afterSale.body().contains("SHARE_LINK_CLOSED"),
                "the seller's share link closes when the robot changes owner, got " + afterSale.statusCode());
        RobotState afterTransfer = state(ownerToken);
        expect(afterTransfer.getOwnerOrgId().equals(owner) && afterTransfer.getPendingTransferTo().isEmpty(),
                "owner " + owner + " and no pending transfer, got " + afterTransfer.getOwnerOrgId() + " / "
                        + afterTransfer.getPendingTransferTo());
        say("%s recorded TRANSFER_ACCEPTED (event %d): custody is now %s's (the history link %s shared with the buyer"
                + " opened the report before, and is closed now)", owner, accepted.getSequence(), owner, firstOwner);

        LifecycleEvent deployed = record(ownerToken, deployment("Central Station, main concourse"));
        expectStatus(deployed, RobotStatus.ROBOT_STATUS_IN_SERVICE);
        RobotState now = state(ownerToken);
        expect(now.getOperatorOrgId().equals(owner) && now.getDeploymentSite().equals("Central Station, main concourse"),
                "operated by " + owner + " at Central Station, got " + now.getOperatorOrgId() + " at " + now.getDeploymentSite());
        say("operator %s recorded DEPLOYED at \"%s\" for wayfinding (event %d): status %s", owner, now.getDeploymentSite(),
                deployed.getSequence(), shortName(now.getStatus()));
    }

    public void step5Zones() {
        begin(5, "A zone authority sets a prohibited zone, a restricted zone with a grant, and a public-space zone;"
                + " the robot's checks come out DENY, ALLOW and ALLOW_WITH_CONDITIONS.");
        // geofence: step 5 - zones (PROHIBITED, RESTRICTED + grant, CONDITIONAL public space) and the robot's checks
        geofence.step5Zones(this);
    }

    public void step6SuspendAndReinstate() {
        begin(6, "A regulator suspends the robot, then reinstates it.");
        // geofence: step 6 - the robot's watch stream, open before the suspension
        geofence.step6BeforeSuspended(this);
        LifecycleEvent suspended = record(token("REGULATOR"), EventPayload.newBuilder().setSuspended(Suspended.newBuilder()
                .setReason("under investigation after a near miss on the platform")).build());
        expectStatus(suspended, RobotStatus.ROBOT_STATUS_SUSPENDED);
        say("regulator recorded SUSPENDED (event %d): status %s", suspended.getSequence(),
                shortName(suspended.getStatusAfter()));
        // geofence: step 6 - within one second the checks are DENY with the reason, and the watch stream says so
        geofence.step6WhileSuspended(this);
        LifecycleEvent reinstated = record(token("REGULATOR"), EventPayload.newBuilder().setReinstated(Reinstated.newBuilder()
                .setReason("investigation closed: no fault of the robot")).build());
        expectStatus(reinstated, RobotStatus.ROBOT_STATUS_IN_SERVICE);
        say("regulator recorded REINSTATED (event %d): status %s again", reinstated.getSequence(),
                shortName(reinstated.getStatusAfter()));
        // geofence: step 6 - reinstated, the checks recover
        geofence.step6AfterReinstated(this);
    }

    public void step7PartReplaced() {
        begin(7, "A service provider replaces a safety-relevant part: the affected tier needs re-validation until a new"
                + " passing test is posted.");
        LifecycleEvent replaced = record(token("SERVICE_PROVIDER", "org_id", serviceProvider), EventPayload.newBuilder()
                .setComponentReplaced(ComponentReplaced.newBuilder()
                        .setOldPart(part("BAT-48V", "B3", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))
                        .setNewPart(part("BAT-48V-R2", "B9", ComponentCategory.COMPONENT_CATEGORY_BATTERY, true))
                        .setReason("battery swelling found at the annual inspection")).build());
        expect(state(token("REGULATOR")).getComponentsList().stream().anyMatch(c -> c.getPartNumber().equals("BAT-48V-R2")),
                "the new battery BAT-48V-R2 in the robot's configuration");
        say("service provider %s recorded COMPONENT_REPLACED (event %d): battery BAT-48V lot B3 -> BAT-48V-R2 lot B9",
                serviceProvider, replaced.getSequence());
        GetEffectiveCertificationsResponse pending = eventually("certification-service marks BASE_SAFETY for re-validation"
                + " (from lifecycle-service's feed)", this::effective, e -> needs(e).contains(Tier.TIER_BASE_SAFETY));
        expect(needs(pending).equals(Set.of(Tier.TIER_BASE_SAFETY)), "only BASE_SAFETY re-opened by a battery change, got "
                + needs(pending));
        expect(!tiers(pending).contains(Tier.TIER_BASE_SAFETY), "BASE_SAFETY not effective while it needs re-validation");
        expect(!missing(pending, Requirement.REQUIREMENT_ANY_OPERATION).isEmpty(),
                "BASE_SAFETY missing for any operation while it needs re-validation");
        RevalidationNeed need = pending.getNeedsRevalidation(0);
        say("certification-service: %s needs re-validation (\"%s\"); effective now: %s; missing: BASE_SAFETY for any"
                + " operation", shortName(need.getTier()), need.getCause(), names(tiers(pending)));
        // geofence: step 7 - checks that need BASE_SAFETY are DENY (missing certification tier)
        geofence.step7WhileRevalidationPending(this);

        Certificate retest = unitTest(Tier.TIER_BASE_SAFETY, null);
        GetEffectiveCertificationsResponse cleared = effective();
        expect(!needs(cleared).contains(Tier.TIER_BASE_SAFETY) && tiers(cleared).contains(Tier.TIER_BASE_SAFETY)
                && missing(cleared, Requirement.REQUIREMENT_ANY_OPERATION).isEmpty(),
                "BASE_SAFETY effective again after the new passing test, got tiers " + tiers(cleared) + ", needs "
                        + needs(cleared));
        say("%s posted a new BASE_SAFETY pass for %s over gRPC -> certificate %s; re-validation cleared; effective: %s",
                grpcBody, robot.getRobotId(), retest.getCertificateId(), names(tiers(cleared)));
        // geofence: step 7 - after the new passing test those checks are allowed again
        geofence.step7AfterRevalidated(this);
    }

    public void step8StopUseRecall() {
        begin(8, "A STOP_USE recall for its firmware version; a software update and RECALL_REMEDIED restore it.");
        RecallCampaign campaign = lifecycle(maker.manufacturerToken).createRecallCampaign(CreateRecallCampaignRequest
                .newBuilder().setRequestId(uuid()).setTitle("Firmware " + FIRMWARE + " balance controller fault")
                .setDescription("On wet floors the balance controller of firmware " + FIRMWARE + " can let the robot fall."
                        + " Stop using it until firmware " + FIXED_FIRMWARE + " is installed.")
                .setSeverity(RecallSeverity.RECALL_SEVERITY_STOP_USE)
                .setCriteria(RecallCriteria.newBuilder().addModelCodes(maker.modelCode).addFirmwareVersions(FIRMWARE))
                .build()).getCampaign();
        recallCampaignId = campaign.getCampaignId();
        expectedChain.add(EventType.EVENT_TYPE_RECALL_NOTIFIED);
        // only the produced unit runs firmware 3.1.0; the other IDs of the batch were never produced
        expect(campaign.getAffected() == 1, "exactly 1 robot affected (the produced one on firmware " + FIRMWARE + "), got "
                + campaign.getAffected());
        RobotState recalled = eventually("the STOP_USE recall open on the robot", () -> state(token("REGULATOR")),
                s -> s.getOpenStopUseRecallsList().contains(recallCampaignId));
        say("manufacturer opened STOP_USE recall %s for model %s firmware %s: %d robot affected; %s has open stop-use"
                + " recalls %s", recallCampaignId, maker.modelCode, FIRMWARE, campaign.getAffected(), robot.getRobotId(),
                recalled.getOpenStopUseRecallsList());
        // geofence: step 8 - while the STOP_USE recall is open every check is DENY (stop-use recall open)
        geofence.step8WhileStopUseRecallOpen(this);

        LifecycleEvent updated = record(maker.manufacturerToken, EventPayload.newBuilder().setSoftwareUpdated(
                SoftwareUpdated.newBuilder().setFirmwareVersion(FIXED_FIRMWARE).setPackageSha256(sha256Hex("fw-" + tag)))
                .build());
        expect(state(token("REGULATOR")).getFirmwareVersion().equals(FIXED_FIRMWARE), "firmware " + FIXED_FIRMWARE);
        say("manufacturer recorded SOFTWARE_UPDATED to firmware %s (event %d)", FIXED_FIRMWARE, updated.getSequence());
        GetEffectiveCertificationsResponse pending = eventually("certification-service marks the firmware tiers for"
                + " re-validation", this::effective,
                e -> needs(e).containsAll(Set.of(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY)));
        say("certification-service: a firmware change re-opens %s", names(needs(pending)));
        Certificate baseSafety = unitTest(Tier.TIER_BASE_SAFETY, null);
        Certificate mobility = unitTest(Tier.TIER_MOBILITY, null);
        say("%s re-tested %s on firmware %s over gRPC: BASE_SAFETY -> certificate %s, MOBILITY -> certificate %s", grpcBody,
                robot.getRobotId(), FIXED_FIRMWARE, baseSafety.getCertificateId(), mobility.getCertificateId());

        LifecycleEvent remedied = record(token("SERVICE_PROVIDER", "org_id", serviceProvider), EventPayload.newBuilder()
                .setRecallRemedied(RecallRemedied.newBuilder().setCampaignId(recallCampaignId)
                        .setRemedy("firmware " + FIXED_FIRMWARE + " installed and verified")).build());
        RobotState restored = state(token("REGULATOR"));
        expect(restored.getOpenStopUseRecallsList().isEmpty() && restored.getOpenRecallsList().isEmpty(),
                "no open recall after RECALL_REMEDIED, got " + restored.getOpenRecallsList());
        RecallCampaign after = lifecycle(token("REGULATOR")).getRecallCampaign(GetRecallCampaignRequest.newBuilder()
                .setCampaignId(recallCampaignId).build()).getCampaign();
        expect(after.getRemedied() == 1, "the campaign counts 1 remedied, got " + after.getRemedied());
        GetEffectiveCertificationsResponse effective = effective();
        expect(tiers(effective).containsAll(Set.of(Tier.TIER_BASE_SAFETY, Tier.TIER_MOBILITY, Tier.TIER_PUBLIC_SPACE))
                && missing(effective, Requirement.REQUIREMENT_ANY_OPERATION).isEmpty()
                && missing(effective, Requirement.REQUIREMENT_PUBLIC_SPACE).isEmpty(),
                "BASE_SAFETY, MOBILITY, PUBLIC_SPACE effective again, got " + tiers(effective));
        say("service provider recorded RECALL_REMEDIED (event %d): open stop-use recalls now none; campaign %s: %d of %d"
                + " remedied; effective: %s", remedied.getSequence(), recallCampaignId, after.getRemedied(),
                after.getAffected(), names(tiers(effective)));
        // geofence: step 8 - software updated, re-tested and remedied: the checks are allowed again
        geofence.step8AfterRemedied(this);
    }

    public void step9PublicReport() {
        begin(9, "An incident is reported through the public page; the page shows the robot correctly.");
        String description = "It stopped in the middle of the concourse and did not react for two minutes.";
        String form = "category=malfunction&description=" + encode(description) + "&place="
                + encode("Central Station, platform 3 stairs") + "&contact=" + encode("witness@example.org");
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(endpoints.baseUrl("identity-service") + "/r/"
                + robot.getRobotId() + "/report")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(form)));
        expect(answer.statusCode() == 201, "201 from POST /r/{id}/report, got " + answer.statusCode() + " " + answer.body());
        reportReference = read(answer.body()).path("reference").asText();
        expect(reportReference.matches("PR-[0-9A-Z]{5}-[0-9A-Z]{5}"), "a reference PR-XXXXX-XXXXX, got " + reportReference);
        expectedChain.add(EventType.EVENT_TYPE_INCIDENT_REPORTED);
        say("someone with a phone reported a malfunction on the public page (no account, no token): reference %s",
                reportReference);
        List<LifecycleEvent> incidents = lifecycle(token("REGULATOR")).listEvents(ListEventsRequest.newBuilder()
                .setRobotId(robot.getRobotId()).addTypes(EventType.EVENT_TYPE_INCIDENT_REPORTED).build()).getEventsList();
        LifecycleEvent incident = incidents.stream().filter(e -> e.getPayload().getIncidentReported().getReference()
                .equals(reportReference)).findFirst().orElseThrow(() -> new AssertionError("step 9: no INCIDENT_REPORTED with"
                        + " reference " + reportReference + " in lifecycle-service"));
        expect(incident.getPayload().getIncidentReported().getPublicReport()
                && incident.getPayload().getIncidentReported().getDescription().equals(description)
                && incident.getRecorded().getRole().equals("REGISTRY_SERVICE"),
                "a public INCIDENT_REPORTED recorded by the page (REGISTRY_SERVICE) with the description");
        say("lifecycle-service has it as INCIDENT_REPORTED (event %d, public report awaiting triage, recorded by %s)",
                incident.getSequence(), incident.getRecorded().getRole());

        // the page leaves out (and names) a part whose service did not answer within its deadline; on a
        // busy machine that can happen once, so the page is asked again until every part is there
        HttpResponse<String> json = eventually("the page as JSON (200) with every part available",
                () -> get(publicPage(), "application/json"),
                r -> r.statusCode() == 200 && read(r.body()).path("unavailable").isEmpty());
        page = read(json.body());
        List<String> wrong = new ArrayList<>();
        check(wrong, "verdict", page.path("verdict").asText(), "GENUINE");
        check(wrong, "certificateCheck", page.path("certificateCheck").asText(), "GENUINE");
        check(wrong, "robotId", page.path("robotId").asText(), robot.getRobotId());
        check(wrong, "manufacturer.code", page.path("manufacturer").path("code").asText(), maker.manufacturerCode);
        check(wrong, "manufacturer.name", page.path("manufacturer").path("name").asText(), "Whole Life Robotics " + tag);
        check(wrong, "model.code", page.path("model").path("code").asText(), maker.modelCode);
        check(wrong, "model.name", page.path("model").path("name").asText(), "Helper H1");
        check(wrong, "model.intelligenceLevel", page.path("model").path("intelligenceLevel").asText(), "L1");
        JsonNode life = page.path("lifecycle");
        check(wrong, "lifecycle.status", life.path("status").asText(), "IN_SERVICE");
        check(wrong, "lifecycle.suspended", life.path("suspended").asText(), "false");
        check(wrong, "lifecycle.stopUse", life.path("stopUse").asText(), "false");
        check(wrong, "lifecycle.deploymentSite", life.path("deploymentSite").asText(), "Central Station, main concourse");
        check(wrong, "lifecycle.publicContact.email", life.path("publicContact").path("email").asText(), "robots@city.example");
        check(wrong, "lifecycle.emergencyContact.phone", life.path("emergencyContact").path("phone").asText(), "+4930555010");
        check(wrong, "lifecycle.openRecalls", Integer.toString(life.path("openRecalls").size()), "0");
        check(wrong, "lifecycle.untriagedPublicReports >= 1", Boolean.toString(life.path("untriagedPublicReports").asInt() >= 1),
                "true");
        check(wrong, "lifecycle.owner (anonymous viewer)", Boolean.toString(life.has("owner")), "false");
        Set<String> pageTiers = new TreeSet<>();
        page.path("certification").path("tiers").forEach(t -> pageTiers.add(t.path("tier").asText()));
        check(wrong, "certification.tiers", Boolean.toString(pageTiers.containsAll(Set.of("BASE_SAFETY", "MOBILITY",
                "PUBLIC_SPACE"))), "true");
        check(wrong, "certification.overall.maxPayloadKg",
                page.path("certification").path("overall").path("maxPayloadKg").asText(), "10.0");
        check(wrong, "certification.overall has no maxSpeedMPerS",
                Boolean.toString(page.path("certification").path("overall").has("maxSpeedMPerS")), "false");
        check(wrong, "unavailable", page.path("unavailable").toString(), "[]");
        check(wrong, "reportFormOffered", page.path("reportFormOffered").asText(), "true");
        check(wrong, "no reporter contact on the public page", Boolean.toString(json.body().contains("witness@example.org")),
                "false");
        expect(wrong.isEmpty(), "the public page shows the robot as recorded; differs in " + wrong);
        HttpResponse<String> html = get(publicPage(), "text/html");
        expect(html.statusCode() == 200 && html.body().contains("Genuine robot ID") && html.body().contains(robot.getDisplayForm()),
                "the HTML page says \"Genuine robot ID\" and shows " + robot.getDisplayForm());
        pageUrl = page.path("pageUrl").asText();
        say("the public page (%s) shows: %s, %s by %s, level %s, %s at \"%s\", certified %s (payload at most %s kg), no open"
                + " recall, %d public report(s) awaiting triage, no owner shown to the public",
                page.path("headline").asText(), robot.getDisplayForm(), page.path("model").path("name").asText(),
                page.path("manufacturer").path("name").asText(), page.path("model").path("intelligenceLevel").asText(),
                life.path("status").asText(), life.path("deploymentSite").asText(), pageTiers,
                page.path("certification").path("overall").path("maxPayloadKg").asText(),
                life.path("untriagedPublicReports").asInt());
        say("page: %s", pageUrl);
        historyReports();
    }

    public void step10EndOfLife() {
        begin(10, "The robot is decommissioned with a data-wipe attestation, scrapped and recycled; its ID verifies as"
                + " retired; its chain verifies end to end; it can no longer get permissions.");
        String recyclerToken = token("RECYCLER", "org_id", recycler);
        StatusRuntimeException noWipe = refused(() -> record(recyclerToken, EventPayload.newBuilder().setDecommissioned(
                Decommissioned.newBuilder().setReason("end of service life")).build()));
        expect(noWipe.getStatus().getCode() == Status.Code.INVALID_ARGUMENT
                && String.valueOf(noWipe.getStatus().getDescription()).contains("data_wipe"),
                "DECOMMISSIONED without a data-wipe attestation refused (INVALID_ARGUMENT naming data_wipe), got "
                        + noWipe.getStatus());
        say("recycler %s: DECOMMISSIONED without a data-wipe attestation is refused (%s)", recycler,
                noWipe.getStatus().getCode());
        LifecycleEvent decommissioned = record(recyclerToken, EventPayload.newBuilder().setDecommissioned(
                Decommissioned.newBuilder().setReason("end of service life").setDataWipe(DataWipeAttestation.newBuilder()
                        .setMethod("NIST SP 800-88 purge").setPerformedBy("Green Recycling data lab")
                        .setPerformedAt(ts(Instant.now().minusSeconds(60))).setCertificateSha256(sha256Hex("wipe-" + tag))))
                .build());
        expectStatus(decommissioned, RobotStatus.ROBOT_STATUS_DECOMMISSIONED);
        LifecycleEvent scrapped = record(recyclerToken, EventPayload.newBuilder().setScrapped(Scrapped.newBuilder()
                .setFacility("Green Recycling plant 2, Halle")).build());
        expectStatus(scrapped, RobotStatus.ROBOT_STATUS_SCRAPPED);
        LifecycleEvent recycled = record(recyclerToken, EventPayload.newBuilder().setRecycled(Recycled.newBuilder()
                .setFacility("Green Recycling plant 2, Halle").setRecoveredMassKg(48.5)).build());
        expectStatus(recycled, RobotStatus.ROBOT_STATUS_RECYCLED);
        say("recycler recorded DECOMMISSIONED with a data-wipe attestation (event %d), SCRAPPED (event %d), RECYCLED"
                + " (event %d, 48.5 kg recovered): status %s", decommissioned.getSequence(), scrapped.getSequence(),
                recycled.getSequence(), shortName(recycled.getStatusAfter()));

        VerifyIdentityResponse retired = eventually("identity-service retires the ID (from lifecycle-service's feed)",
                () -> verify(robot), v -> v.getVerdict() == Verdict.VERDICT_RETIRED);
        expect(retired.getCertificate() == CertificateCheck.CERTIFICATE_CHECK_GENUINE, "the label still GENUINE");
        say("VerifyIdentity %s: %s, certificate %s (the ID stays, never reused)", robot.getRobotId(),
                shortName(retired.getVerdict()), shortName(retired.getCertificate()));

        events = allEvents();
        chain = lifecycle(token("REGULATOR")).verifyChain(VerifyChainRequest.newBuilder().setRobotId(robot.getRobotId())
                .build());
        List<EventType> types = events.stream().map(LifecycleEvent::getType).toList();
        expect(types.equals(expectedChain), "the chain holds exactly the events of this story, in order: expected "
                + expectedChain + ", got " + types);
        expect(chain.getIntact() && chain.getEventsChecked() == events.size() && chain.getFirstBrokenSequence() == 0,
                "VerifyChain intact over all " + events.size() + " events, got intact=" + chain.getIntact() + " checked="
                        + chain.getEventsChecked() + " first broken=" + chain.getFirstBrokenSequence());
        String previous = "0".repeat(64);
        for (int i = 0; i < events.size(); i++) {
            LifecycleEvent e = events.get(i);
            expect(e.getSequence() == i + 1 && e.getPreviousHash().equals(previous) && e.getHash().matches("[0-9a-f]{64}"),
                    "event " + (i + 1) + " links to the hash of event " + i);
            previous = e.getHash();
        }
        say("VerifyChain: intact, %d events checked, from PRODUCED to RECYCLED, each linked to the one before"
                + " (last hash %s...)", chain.getEventsChecked(), previous.substring(0, 16));

        StatusRuntimeException again = refused(() -> record(token("OPERATOR", "org_id", owner), deployment("Harbour")));
        expect(again.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
                && "EVENT_NOT_ALLOWED_IN_STATUS".equals(reason(again)),
                "DEPLOYED of a recycled robot refused with EVENT_NOT_ALLOWED_IN_STATUS, got " + again.getStatus());
        StatusRuntimeException noCertificate = refused(() -> unitTest(Tier.TIER_BASE_SAFETY, null));
        expect(noCertificate.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
                && "ROBOT_RETIRED".equals(reason(noCertificate)),
                "a test result for the retired robot refused with ROBOT_RETIRED, got " + noCertificate.getStatus());
        say("a new deployment is refused (%s) and so is a new certificate (%s)", reason(again), reason(noCertificate));

        JsonNode retiredPage = read(get(publicPage(), "application/json").body());
        expect(retiredPage.path("verdict").asText().equals("RETIRED") && !retiredPage.path("reportFormOffered").asBoolean(),
                "the page says RETIRED and offers no report form, got " + retiredPage.path("verdict").asText());
        say("the public page now says \"%s\"", retiredPage.path("headline").asText());
        // geofence: step 10 - the robot can no longer get permissions (every check DENY, offline too)
        geofence.step10AfterRecycled(this);
        verifyOffline();
        finalHistoryReport();
        say("the robot's public page: %s", pageUrl);
    }

    /**
     * The robot's ID and every event of its chain, checked offline (io.robotid.evidence, no service
     * trusted) in identity-service's and lifecycle-service's transparency logs: each record's tlog-proof
     * against the witness policy of the local run ({@code robotid.demo.tlog-policy}, which bin/robotid demo
     * passes), or, without one (the system test), against the logs' own keys.
     */
    void verifyOffline() {
        String regulator = token("REGULATOR");
        Checking policy = checking();
        WitnessPolicy checking = policy.policy();
        String under = policy.under();
        IdentityCertificate c = robot.getCertificate();
        byte[] idHash = io.robotid.evidence.format.IdentityCertificates.logHash(robot.getRobotId(), robot.getManufacturerCode(),
                robot.getModelCode(), Instant.ofEpochSecond(c.getIssuedAt().getSeconds(), c.getIssuedAt().getNanos()),
                c.getSignature().toByteArray());
        GetRecordEvidenceResponse idEvidence = evidence("identity-service", regulator, "identity/" + robot.getRobotId());
        RecordProofs.Proven id = RecordProofs.verify(checking, idEvidence.getTlogProof(), "identity",
                idEvidence.getSalt().toByteArray(), idHash);
        long cosigners = 0;
        for (LifecycleEvent e : events) {
            GetRecordEvidenceResponse ev = evidence("lifecycle-service", regulator, "event/" + robot.getRobotId() + "/"
                    + e.getSequence());
            RecordProofs.Proven proven = RecordProofs.verify(checking, ev.getTlogProof(), "lifecycle-event",
                    ev.getSalt().toByteArray(), io.robotid.evidence.codec.Hex.parse(e.getHash()));
            cosigners = proven.checkpoint().cosignedAt().size();
        }
        say("offline check under %s: the ID (entry %d of %s) and all %d events (lifecycle log at size >= %d) are in"
                + " their transparency logs%s", under, id.index(), id.origin(), events.size(), events.size(),
                cosigners > 0 ? ", each under a checkpoint cosigned by " + cosigners + " witnesses" : "");
    }

    /** The witness policy a reader checks evidence under, and how to say which it is. */
    record Checking(WitnessPolicy policy, String under) {
    }

    /**
     * The witness policy of the local run ({@code robotid.demo.tlog-policy}, which bin/robotid demo passes),
     * or, without one (the system test), the filing, identity, lifecycle and certification logs' own keys.
     */
    Checking checking() {
        String policyFile = System.getProperty("robotid.demo.tlog-policy", "");
        try {
            if (!policyFile.isEmpty() && java.nio.file.Files.exists(java.nio.file.Path.of(policyFile))) {
                return new Checking(WitnessPolicy.parse(java.nio.file.Files.readString(java.nio.file.Path.of(policyFile))),
                        "the witness policy " + policyFile);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(policyFile + " cannot be read", e);
        }
        StringBuilder policy = new StringBuilder();
        for (String service : List.of("filing-service", "identity-service", "lifecycle-service", "certification-service")) {
            policy.append("log ").append(log(service, null).getLogInfo(GetLogInfoRequest.getDefaultInstance()).getVkey())
                    .append('\n');
        }
        return new Checking(WitnessPolicy.parse(policy + "quorum none\n"), "the logs' own keys (no witness policy given)");
    }

    /**
     * The robot's history report (EVIDENCE.md section 12): its owner shares it with a prospective buyer by a
     * time-limited link, which opens it without an account; the buyer checks it offline. The public report
     * withholds the events yet verifies too; the previous owner may not share it; a made-up link is refused.
     */
    void historyReports() {
        Checking checking = checking();
        StatusRuntimeException notOwner = refused(() -> Endpoints.as(identity(), token("OPERATOR", "org_id",
                firstOwner)).createHistoryShare(CreateHistoryShareRequest.newBuilder().setRobotId(robot.getRobotId()).build()));
        expect(notOwner.getStatus().getCode() == io.grpc.Status.Code.PERMISSION_DENIED
                && "NOT_THE_OWNER".equals(reason(notOwner)), "the previous owner may not share the history, got " + notOwner);
        CreateHistoryShareResponse share = Endpoints.as(identity(), token("OPERATOR", "org_id", owner))
                .createHistoryShare(CreateHistoryShareRequest.newBuilder().setRobotId(robot.getRobotId())
                        .setValidForSeconds(86_400).setRecipient("a prospective buyer").build());
        say("owner %s made a share link of the history report for a prospective buyer, valid until %s", owner,
                Instant.ofEpochSecond(share.getExpiresAt().getSeconds()));
        String link = local(share.getUrl());
        HistoryReport shared = eventually("the shared history report, every event under a cosigned checkpoint",
                () -> HistoryReport.parse(get(link, "application/json").body()), HistoryReport::eventsComplete);
        HistoryReports.Verified v = HistoryReports.verify(checking.policy(), shared);
        expect(v.withheld() == 0 && v.filingRecords() == 3 && v.events() >= 10 && v.certificationRecords() >= 4,
                "every filing record, event and certification record shown to the link's holder, got " + v.lines());
        say("the buyer opened the link without an account and checked the report offline under %s: the ID, the model's"
                + " filing (manufacturer, revision, acceptance), %d events and %d certification records, each in its log"
                + " (custody payloads withheld, their commitments checked)", checking.under(), v.events(),
                v.certificationRecords());
        HttpResponse<String> html = get(link, "text/html");
        expect(html.statusCode() == 200 && html.body().contains("History of robot " + robot.getRobotId())
                && html.body().contains("Download the report"), "the shared report as a page, got " + html.statusCode());

        HistoryReport anonymous = HistoryReport.parse(get(endpoints.baseUrl("identity-service") + "/r/" + robot.getRobotId()
                + "/history", "application/json").body());
        HistoryReports.Verified publicView = HistoryReports.verify(checking.policy(), anonymous);
        expect(publicView.withheld() == publicView.events() && publicView.events() == v.events(),
                "the public report withholds every event (and still verifies), got " + publicView.lines());
        HttpResponse<String> madeUp = get(endpoints.baseUrl("identity-service") + "/r/" + robot.getRobotId()
                + "/history?share=" + "A".repeat(43), "application/json");
        expect(madeUp.statusCode() == 403 && madeUp.body().contains("SHARE_LINK_CLOSED"),
                "a made-up share link is refused (403), got " + madeUp.statusCode() + " " + madeUp.body());
        say("the public report withholds all %d events (their inclusion still proven); a made-up link is refused (403)",
                publicView.events());
    }

    /**
     * A share link (under the registry's public base URL, ROBOTID_PUBLIC_BASE_URL) as this run reaches it:
     * identity-service's address with the link's {@code /r/<id>/history?share=<token>}.
     */
    String local(String shareUrl) {
        String tail = "/r/" + robot.getRobotId() + "/history?share=";
        int at = shareUrl.indexOf(tail);
        expect(at >= 0 && shareUrl.substring(at + tail.length()).matches("[A-Za-z0-9_-]{43}"),
                "a share link to the robot's history report, got " + shareUrl);
        return endpoints.baseUrl("identity-service") + shareUrl.substring(at);
    }

    /** The robot's final history report as a regulator reads it over gRPC, checked offline. */
    void finalHistoryReport() {
        Checking checking = checking();
        // the regulator revokes the recycled robot's unit certificates: the report carries each revocation
        String regulator = token("REGULATOR");
        List<io.robotid.proto.certification.v1.Certificate> active = certification(regulator).listCertificates(
                io.robotid.proto.certification.v1.ListCertificatesRequest.newBuilder().setSubject(robot.getRobotId())
                        .setState(io.robotid.proto.certification.v1.CertificateState.CERTIFICATE_STATE_ACTIVE).build())
                .getCertificatesList();
        for (var c : active) {
            certification(regulator).revokeCertificate(io.robotid.proto.certification.v1.RevokeCertificateRequest
                    .newBuilder().setRequestId(java.util.UUID.randomUUID().toString()).setCertificateId(c.getCertificateId())
                    .setReason("the robot was recycled").build());
        }
        HistoryReports.Verified v = eventually("the final history report with every event and revocation under a cosigned checkpoint",
                () -> HistoryReports.verify(checking.policy(), HistoryReport.parse(Endpoints.as(identity(), regulator)
                        .getHistoryReport(GetHistoryReportRequest.newBuilder().setRobotId(robot.getRobotId()).build())
                        .getReportJson())),
                r -> r.eventsComplete() && r.lines().stream().filter(l -> l.contains(": REVOKE certificate ")).count() == active.size());
        expect(v.withheld() == 0 && v.events() == events.size() && !active.isEmpty(), "a regulator's report shows all "
                + events.size() + " events and the revocation of the " + active.size() + " unit certificates, got " + v.lines());
        say("the regulator revoked the recycled robot's %d unit certificate(s); its history report (GetHistoryReport, as a"
                + " regulator reads it) verified offline under %s: the ID, the model's filing, all %d events from PRODUCED to"
                + " RECYCLED and %d certification records with the revocations", active.size(), checking.under(), v.events(),
                v.certificationRecords());
        v.lines().stream().filter(l -> l.startsWith("event/")).limit(3).forEach(this::sayMore);
    }

    /** A record's evidence, once its leaf is under a served checkpoint (within a second or two of the write). */
    GetRecordEvidenceResponse evidence(String service, String token, String key) {
        GetRecordEvidenceRequest request = GetRecordEvidenceRequest.newBuilder().setRecordKey(key).build();
        Instant until = Instant.now().plus(FEED_WAIT);
        while (true) {
            try {
                return log(service, token).getRecordEvidence(request);
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() != Status.Code.NOT_FOUND || Instant.now().isAfter(until)) {
                    throw e;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String service, String token) {
        var stub = TransparencyLogServiceGrpc.newBlockingStub(traced.channel(service));
        return (token == null ? stub : Endpoints.as(stub, token)).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    // ------------------------------------------------------------------------------------------ calls

    /** The URL of the robot's page with its label's certificate, as its QR code carries it. */
    public String publicPage() {
        return endpoints.baseUrl("identity-service") + "/r/" + robot.getRobotId() + "?c="
                + encode(robot.getCertificate().getText());
    }

    /** A token per role and claim, fetched once. */
    public String token(String role, String claim, String value) {
        return tokens.computeIfAbsent(role + "|" + claim + "|" + value, k -> endpoints.token(role, claim, value));
    }

    public String token(String role) {
        return token(role, null, null);
    }

    /** The endpoints, with every gRPC call carrying the current step's traceparent (for the geofence steps). */
    public Endpoints endpoints() {
        return traced;
    }

    public FilingServiceGrpc.FilingServiceBlockingStub filing(String token) {
        return Endpoints.as(FilingServiceGrpc.newBlockingStub(traced.channel("filing-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public IdentityServiceGrpc.IdentityServiceBlockingStub identity() {
        return IdentityServiceGrpc.newBlockingStub(traced.channel("identity-service")).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public LifecycleServiceGrpc.LifecycleServiceBlockingStub lifecycle(String token) {
        return Endpoints.as(LifecycleServiceGrpc.newBlockingStub(traced.channel("lifecycle-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public CertificationServiceGrpc.CertificationServiceBlockingStub certification(String token) {
        return Endpoints.as(CertificationServiceGrpc.newBlockingStub(traced.channel("certification-service")), token)
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    VerifyIdentityResponse verify(Identity id) {
        return identity().verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(id.getRobotId())
                .setCertificate(id.getCertificate().getText()).build());
    }

    LifecycleEvent record(String token, EventPayload payload) {
        lastRecordCalledAt = Instant.now();
        LifecycleEvent event = lifecycle(token).recordEvent(RecordEventRequest.newBuilder().setRequestId(uuid())
                .setRobotId(robot.getRobotId()).setOccurredAt(ts(Instant.now().minusSeconds(1))).setPayload(payload).build())
                .getEvent();
        expectedChain.add(event.getType());
        return event;
    }

    /** DEPLOYED by the owner, who operates the robot itself, with the contacts its page shows. */
    EventPayload deployment(String site) {
        return EventPayload.newBuilder().setDeployed(Deployed.newBuilder().setSite(site).setScenario("wayfinding")
                .setOperatorOrgId(owner)
                .setPublicContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_PUBLIC)
                        .setName("City Services robot desk").setEmail("robots@city.example"))
                .setEmergencyContact(Contact.newBuilder().setPurpose(ContactPurpose.CONTACT_PURPOSE_EMERGENCY)
                        .setName("Station control room").setPhone("+4930555010"))).build();
    }

    RobotState state(String token) {
        return lifecycle(token).getRobotStatus(GetRobotStatusRequest.newBuilder().setRobotId(robot.getRobotId()).build())
                .getState();
    }

    GetEffectiveCertificationsResponse effective() {
        return certification(token("REGULATOR")).getEffectiveCertifications(GetEffectiveCertificationsRequest.newBuilder()
                .setRobotId(robot.getRobotId()).build());
    }

    List<LifecycleEvent> allEvents() {
        List<LifecycleEvent> all = new ArrayList<>();
        String pageToken = "";
        do {
            ListEventsResponse page = lifecycle(token("REGULATOR")).listEvents(ListEventsRequest.newBuilder()
                    .setRobotId(robot.getRobotId()).setPageSize(500).setPageToken(pageToken).build());
            all.addAll(page.getEventsList());
            pageToken = page.getNextPageToken();
        } while (!pageToken.isEmpty());
        return all;
    }

    /**
     * A unit-level pass posted over gRPC by the gRPC body, tested now (a test clears a re-validation only
     * when dated at or after the change), valid for a year.
     */
    Certificate unitTest(Tier tier, OperatingConditions conditions) {
        Instant now = Instant.now();
        SubmitTestResultRequest.Builder request = SubmitTestResultRequest.newBuilder().setRequestId(uuid())
                .setSubject(robot.getRobotId()).setTier(tier).addStandards(STANDARD).setTestDate(ts(now))
                .setOutcome(conditions == null ? Outcome.OUTCOME_PASS : Outcome.OUTCOME_PASS_WITH_CONDITIONS)
                .setEvidence(Evidence.newBuilder().setReportUri("https://dekra.example/reports/" + uuid())
                        .setReportSha256(sha256Hex(uuid())))
                .setValidity(Validity.newBuilder().setValidUntil(ts(now.plus(Duration.ofDays(365)))));
        if (conditions != null) {
            request.setConditions(conditions);
        }
        Certificate certificate = certification(token("CERTIFICATION_BODY", "certification_body_id", grpcBody))
                .submitTestResult(request.build()).getCertificate();
        expect(certificate.getSubjectKind() == SubjectKind.SUBJECT_KIND_UNIT && certificate.getTier() == tier
                && certificate.getBodyId().equals(grpcBody), "a unit-level " + shortName(tier) + " certificate from "
                        + grpcBody);
        return certificate;
    }

    /** A test result posted as JSON (POST /api/v1/test-results); answers the certificate. */
    JsonNode postTestResult(String bodyToken, String subject, String tier, String outcome, Map<String, Object> conditions) {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", uuid());
        body.put("subject", subject);
        body.put("tier", tier);
        body.put("standards", List.of(STANDARD));
        body.put("test_date", now.minusSeconds(3600).toString());
        body.put("outcome", outcome);
        if (conditions != null) {
            body.put("conditions", conditions);
        }
        body.put("evidence", Map.of("report_uri", "https://tuv.example/reports/" + uuid(), "report_sha256",
                sha256Hex(uuid())));
        body.put("validity", Map.of("valid_until", now.plus(Duration.ofDays(365)).toString()));
        HttpResponse<String> answer;
        try {
            answer = send(HttpRequest.newBuilder(URI.create(endpoints.baseUrl("certification-service") + "/api/v1/test-results"))
                    .header("Authorization", "Bearer " + bodyToken).header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        expect(answer.statusCode() == 201, "201 from POST /api/v1/test-results, got " + answer.statusCode() + " "
                + answer.body());
        JsonNode certificate = read(answer.body());
        expect(certificate.path("state").asText().equals("ACTIVE") && certificate.path("tier").asText().equals(tier)
                && certificate.path("subject_kind").asText().equals("MODEL"),
                "an ACTIVE model-level " + tier + " certificate, got " + answer.body());
        return certificate;
    }

    HttpResponse<String> get(String url, String accept) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).GET());
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        String current = traceparent;
        if (current != null) {
            request.header("traceparent", current);
        }
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("HTTP call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    JsonNode read(String body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("step " + step + ": not JSON: " + body, e);
        }
    }

    // ------------------------------------------------------------------------------------------ checks and words

    /** Starts a step: its header, and a new trace that every call of the step carries. */
    void begin(int number, String title) {
        step = number;
        byte[] trace = new byte[16];
        byte[] span = new byte[8];
        RANDOM.nextBytes(trace);
        RANDOM.nextBytes(span);
        String traceId = HexFormat.of().formatHex(trace);
        traceIds.put(number, traceId);
        traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(span) + "-01";
        traceparents.put(number, traceparent);
        out.println();
        out.println("Step " + number + ". " + title);
        out.println("  (trace " + traceId + ")");
    }

    /** Prints one line of the current step. */
    public void say(String format, Object... args) {
        out.println("  - " + (args.length == 0 ? format : String.format(java.util.Locale.ROOT, format, args)));
    }

    /** Prints a line that belongs to the one before (indented under it). */
    public void sayMore(String line) {
        out.println("      " + line);
    }

    /** Throws an AssertionError naming the step when {@code ok} is false. */
    public void expect(boolean ok, String expected) {
        if (!ok) {
            throw new AssertionError("step " + step + ": expected " + expected);
        }
    }

    /** Polls {@code probe} every 200 ms until {@code done} (the registry's feeds are asynchronous), at most FEED_WAIT. */
    public <T> T eventually(String what, Supplier<T> probe, Predicate<T> done) {
        Instant until = Instant.now().plus(FEED_WAIT);
        T last = probe.get();
        while (!done.test(last)) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("step " + step + ": expected within " + FEED_WAIT.toSeconds() + " s: " + what
                        + "; last answer: " + last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            last = probe.get();
        }
        return last;
    }

    static StatusRuntimeException refused(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected the call to be refused, but it succeeded");
    }

    /** The ErrorInfo reason of a refusal, or null. */
    static String reason(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return null;
        }
        return status.getDetailsList().stream().filter(any -> any.is(ErrorInfo.class)).map(any -> {
            try {
                return any.unpack(ErrorInfo.class).getReason();
            } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                return null;
            }
        }).findFirst().orElse(null);
    }

    private void expectStatus(LifecycleEvent event, RobotStatus status) {
        expect(event.getStatusAfter() == status, shortName(event.getType()) + " leaves the robot " + shortName(status)
                + ", got " + shortName(event.getStatusAfter()));
    }

    private static void check(List<String> wrong, String field, String actual, String expected) {
        if (!expected.equals(actual)) {
            wrong.add(field + "=" + actual + " (expected " + expected + ")");
        }
    }

    static Set<Tier> tiers(GetEffectiveCertificationsResponse e) {
        return e.getTiersList().stream().map(EffectiveTier::getTier).collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<Tier> needs(GetEffectiveCertificationsResponse e) {
        return e.getNeedsRevalidationList().stream().map(RevalidationNeed::getTier)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static List<MissingRequirement> missing(GetEffectiveCertificationsResponse e, Requirement requirement) {
        return e.getMissingList().stream().filter(m -> m.getRequirement() == requirement).toList();
    }

    static String names(Set<Tier> tiers) {
        return tiers.isEmpty() ? "none" : tiers.stream().map(RobotLife::shortName).collect(Collectors.joining(", "));
    }

    /** An enum constant without its type prefix: VERDICT_VALID -> VALID. */
    static String shortName(Enum<?> value) {
        String name = value.name();
        for (String prefix : List.of("VERDICT_", "CERTIFICATE_CHECK_", "ROBOT_STATUS_", "EVENT_TYPE_", "TIER_")) {
            if (name.startsWith(prefix)) {
                return name.substring(prefix.length());
            }
        }
        return name;
    }

    static Component part(String partNumber, String lot, ComponentCategory category, boolean safetyRelevant) {
        return Component.newBuilder().setPartNumber(partNumber).setLot(lot).setSerial(partNumber + "-" + lot + "-0042")
                .setCategory(category).setSafetyRelevant(safetyRelevant).build();
    }

    static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    static String uuid() {
        return UUID.randomUUID().toString();
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The endpoints with the current step's traceparent on every gRPC call. */
    private final class Traced implements Endpoints {
        private final ClientInterceptor interceptor = new ClientInterceptor() {
            @Override
            public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<A> listener, Metadata headers) {
                        String current = traceparent;
                        if (current != null) {
                            headers.put(TRACEPARENT, current);
                        }
                        super.start(listener, headers);
                    }
                };
            }
        };

        @Override
        public Channel channel(String service) {
            return ClientInterceptors.intercept(endpoints.channel(service), interceptor);
        }

        @Override
        public String baseUrl(String service) {
            return endpoints.baseUrl(service);
        }

        @Override
        public String token(String role, String claim, String value) {
            return RobotLife.this.token(role, claim, value);
        }
    }
}
