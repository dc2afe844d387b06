package io.robotid.filing.grpc;

import static io.robotid.testkit.GrpcAssertions.errorInfo;
import static io.robotid.testkit.GrpcAssertions.invalid;
import static io.robotid.testkit.GrpcAssertions.reason;
import static io.robotid.testkit.GrpcAssertions.refused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.filing.support.FilingClient;
import io.robotid.filing.support.Fixtures;
import io.robotid.testkit.Tokens;
import io.robotid.proto.filing.v1.*;

@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class ModelFilingGrpcTest {

    static FilingClient client;
    static String maker;
    static String rival;

    @BeforeAll
    static void setUp() {
        client = new FilingClient();
        maker = ManufacturerGrpcTest.register(client).getCode();
        rival = ManufacturerGrpcTest.register(client).getCode();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        client.close();
    }

    static FilingServiceGrpc.FilingServiceBlockingStub asMaker() {
        return client.as(Tokens.manufacturer(maker));
    }

    static FilingServiceGrpc.FilingServiceBlockingStub asRegulator() {
        return client.as(Tokens.regulator());
    }

    static SubmitModelFilingRequest.Builder submission(ModelSpecification.Builder spec) {
        return SubmitModelFilingRequest.newBuilder().setRequestId(Fixtures.requestId()).setManufacturerCode(maker)
                .setSpecification(spec);
    }

    static ModelFiling submit() {
        return asMaker().submitModelFiling(submission(Fixtures.specification()).build()).getFiling();
    }

    static ReviewModelFilingRequest.Builder review(ModelFiling filing, int revision, ReviewDecision decision) {
        return ReviewModelFilingRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(filing.getFilingId()).setRevision(revision).setDecision(decision)
                .setReason(decision == ReviewDecision.REVIEW_DECISION_REJECT ? "battery test report missing" : "");
    }

    static ModelFiling accept(ModelFiling filing, int revision) {
        return asRegulator().reviewModelFiling(review(filing, revision, ReviewDecision.REVIEW_DECISION_ACCEPT).build())
                .getFiling();
    }

    static AmendModelFilingRequest.Builder amendment(ModelFiling filing, ModelSpecification.Builder spec) {
        return AmendModelFilingRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(filing.getFilingId()).setReason("new battery pack").setSpecification(spec);
    }

    @Test
    void submitThenAcceptAssignsASixCharacterModelCode() {
        ModelFiling submitted = submit();
        assertThat(submitted.getStatus()).isEqualTo(FilingStatus.FILING_STATUS_PENDING_REVIEW);
        assertThat(submitted.getModelCode()).isEmpty();
        assertThat(submitted.getPendingRevision()).isEqualTo(1);
        assertThat(submitted.getCurrent().getIntelligenceLevel()).isEqualTo(IntelligenceLevel.INTELLIGENCE_LEVEL_L2);
        assertThat(submitted.getCurrent().getSpecification()).isEqualTo(Fixtures.specification().build());

        ModelFiling accepted = accept(submitted, 1);
        assertThat(accepted.getStatus()).isEqualTo(FilingStatus.FILING_STATUS_ACCEPTED);
        assertThat(accepted.getModelCode()).matches("[0-9A-HJ-NP-Z]{6}");
        assertThat(accepted.getPendingRevision()).isZero();
        assertThat(accepted.getCurrent().getState()).isEqualTo(RevisionState.REVISION_STATE_ACCEPTED);
        assertThat(accepted.getCurrent().getReviewed().getSubject()).isEqualTo("regulator-1");

        ModelFiling byCode = client.as(Tokens.role("OPERATOR")).getModel(GetModelRequest.newBuilder()
                .setModelCode(accepted.getModelCode()).build()).getFiling();
        assertThat(byCode).isEqualTo(accepted);
    }

    @Test
    void reviewingAFilingThatIsNotAwaitingReviewIsFailedPrecondition() {
        ModelFiling accepted = accept(submit(), 1);
        var e = refused(() -> asRegulator().reviewModelFiling(
                review(accepted, 1, ReviewDecision.REVIEW_DECISION_ACCEPT).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(reason(e)).isEqualTo("NOT_AWAITING_REVIEW");
        assertThat(errorInfo(e).getMetadataMap()).containsEntry("status", "ACCEPTED");

        ModelFiling pending = submit();
        var wrongRevision = refused(() -> asRegulator().reviewModelFiling(
                review(pending, 2, ReviewDecision.REVIEW_DECISION_ACCEPT).build()), Status.Code.FAILED_PRECONDITION);
        assertThat(reason(wrongRevision)).isEqualTo("REVISION_NOT_PENDING");
    }

    @Test
    void rejectionNeedsAReasonAndAnAmendmentResubmits() {
        ModelFiling filing = submit();
        invalid(() -> asRegulator().reviewModelFiling(review(filing, 1, ReviewDecision.REVIEW_DECISION_REJECT)
                .setReason("").build()), "reason");
        invalid(() -> asRegulator().reviewModelFiling(review(filing, 1, ReviewDecision.REVIEW_DECISION_UNSPECIFIED)
                .build()), "decision");
        invalid(() -> asRegulator().reviewModelFiling(review(filing, 0, ReviewDecision.REVIEW_DECISION_ACCEPT)
                .build()), "revision");

        ModelFiling rejected = asRegulator().reviewModelFiling(
                review(filing, 1, ReviewDecision.REVIEW_DECISION_REJECT).build()).getFiling();
        assertThat(rejected.getStatus()).isEqualTo(FilingStatus.FILING_STATUS_REJECTED);
        assertThat(rejected.getStatusReason()).isEqualTo("battery test report missing");
        assertThat(rejected.getModelCode()).isEmpty();

        AmendModelFilingResponse amended = asMaker().amendModelFiling(amendment(rejected, Fixtures.specification()
                .setName("Walker S2 rev B")).build());
        assertThat(amended.getFiling().getStatus()).isEqualTo(FilingStatus.FILING_STATUS_PENDING_REVIEW);
        assertThat(amended.getRevision().getRevision()).isEqualTo(2);
        assertThat(amended.getFiling().getCurrent().getSpecification().getName()).isEqualTo("Walker S2 rev B");
        assertThat(accept(rejected, 2).getModelCode()).hasSize(6);
    }

    @Test
    void amendingAnAcceptedModelKeepsTheAcceptedRevisionInEffectUntilReviewed() {
        ModelFiling accepted = accept(submit(), 1);
        var learning = Fixtures.specification().setCapabilities(CapabilityProfile.newBuilder()
                .setAutonomousLocomotion(true).setAutonomousTaskDecisions(true).setLearningInDeployment(true));
        AmendModelFilingResponse amended = asMaker().amendModelFiling(amendment(accepted, learning).build());

        assertThat(amended.getRevision().getRevision()).isEqualTo(2);
        assertThat(amended.getRevision().getReason()).isEqualTo("new battery pack");
        assertThat(amended.getRevision().getIntelligenceLevel()).isEqualTo(IntelligenceLevel.INTELLIGENCE_LEVEL_L4);
        assertThat(amended.getFiling().getStatus()).isEqualTo(FilingStatus.FILING_STATUS_ACCEPTED);
        assertThat(amended.getFiling().getCurrent().getRevision()).isEqualTo(1);
        assertThat(amended.getFiling().getPendingRevision()).isEqualTo(2);

        // A second amendment before review supersedes the first.
        AmendModelFilingResponse again = asMaker().amendModelFiling(amendment(accepted, learning).build());
        assertThat(again.getRevision().getRevision()).isEqualTo(3);

        ModelFiling reviewed = accept(accepted, 3);
        assertThat(reviewed.getModelCode()).isEqualTo(accepted.getModelCode());
        assertThat(reviewed.getCurrent().getRevision()).isEqualTo(3);
        assertThat(reviewed.getCurrent().getIntelligenceLevel()).isEqualTo(IntelligenceLevel.INTELLIGENCE_LEVEL_L4);

        List<ModelRevision> history = asMaker().listModelRevisions(ListModelRevisionsRequest.newBuilder()
                .setFilingId(accepted.getFilingId()).build()).getRevisionsList();
        assertThat(history).extracting(ModelRevision::getState).containsExactly(
                RevisionState.REVISION_STATE_ACCEPTED, RevisionState.REVISION_STATE_SUPERSEDED,
                RevisionState.REVISION_STATE_ACCEPTED);
        // The public sees accepted revisions only.
        assertThat(client.as(Tokens.role("OPERATOR")).listModelRevisions(ListModelRevisionsRequest.newBuilder()
                .setFilingId(accepted.getFilingId()).build()).getRevisionsList()).extracting(ModelRevision::getRevision)
                .containsExactly(1, 3);
    }

    @Test
    void withdrawnIsTerminal() {
        ModelFiling accepted = accept(submit(), 1);
        invalid(() -> asMaker().withdrawModel(WithdrawModelRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(accepted.getFilingId()).build()), "reason");
        ModelFiling withdrawn = asMaker().withdrawModel(WithdrawModelRequest.newBuilder()
                .setRequestId(Fixtures.requestId()).setFilingId(accepted.getFilingId()).setReason("end of life")
                .build()).getFiling();
        assertThat(withdrawn.getStatus()).isEqualTo(FilingStatus.FILING_STATUS_WITHDRAWN);
        assertThat(withdrawn.getModelCode()).isEqualTo(accepted.getModelCode());

        var amend = refused(() -> asMaker().amendModelFiling(amendment(accepted, Fixtures.specification()).build()),
                Status.Code.FAILED_PRECONDITION);
        assertThat(reason(amend)).isEqualTo("MODEL_WITHDRAWN");
        assertThat(errorInfo(amend).getMetadataMap()).containsEntry("status", "WITHDRAWN");
        refused(() -> asRegulator().withdrawModel(WithdrawModelRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(accepted.getFilingId()).setReason("again").build()), Status.Code.FAILED_PRECONDITION);
        refused(() -> asRegulator().reviewModelFiling(review(accepted, 1, ReviewDecision.REVIEW_DECISION_ACCEPT)
                .build()), Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void aRegulatorMayWithdrawAnyModelAManufacturerOnlyItsOwn() {
        ModelFiling filing = accept(submit(), 1);
        var e = refused(() -> client.as(Tokens.manufacturer(rival)).withdrawModel(WithdrawModelRequest.newBuilder()
                .setRequestId(Fixtures.requestId()).setFilingId(filing.getFilingId()).setReason("x").build()),
                Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("NOT_CALLERS_MANUFACTURER");
        assertThat(asRegulator().withdrawModel(WithdrawModelRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(filing.getFilingId()).setReason("unsafe").build()).getFiling().getStatus())
                .isEqualTo(FilingStatus.FILING_STATUS_WITHDRAWN);
    }

    @Test
    void aManufacturerFilesAndAmendsForItselfOnly() {
        var e = refused(() -> client.as(Tokens.manufacturer(rival)).submitModelFiling(
                submission(Fixtures.specification()).build()), Status.Code.PERMISSION_DENIED);
        assertThat(reason(e)).isEqualTo("NOT_CALLERS_MANUFACTURER");

        ModelFiling mine = submit();
        refused(() -> client.as(Tokens.manufacturer(rival)).amendModelFiling(
                amendment(mine, Fixtures.specification()).build()), Status.Code.PERMISSION_DENIED);
    }

    @Test
    void filingsNeverAcceptedAreHiddenFromOthers() {
        ModelFiling pending = submit();
        GetModelRequest byId = GetModelRequest.newBuilder().setFilingId(pending.getFilingId()).build();
        refused(() -> client.as(Tokens.manufacturer(rival)).getModel(byId), Status.Code.NOT_FOUND);
        refused(() -> client.as(Tokens.role("OPERATOR")).getModel(byId), Status.Code.NOT_FOUND);
        assertThat(client.as(Tokens.auditor()).getModel(byId).getFiling().getFilingId())
                .isEqualTo(pending.getFilingId());
        assertThat(asMaker().getModel(byId).getFiling().getFilingId()).isEqualTo(pending.getFilingId());

        List<String> seenByRival = client.as(Tokens.manufacturer(rival)).listModels(ListModelsRequest.newBuilder()
                .setManufacturerCode(maker).setPageSize(500).build()).getFilingsList().stream()
                .map(ModelFiling::getFilingId).toList();
        assertThat(seenByRival).doesNotContain(pending.getFilingId());
    }

    @Test
    void listFiltersAndPagesNewestFirst() {
        String family = "Family-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ModelFiling f = asMaker().submitModelFiling(submission(Fixtures.specification().setFamily(family)).build())
                    .getFiling();
            ids.add(0, f.getFilingId());
        }
        accept(asMaker().getModel(GetModelRequest.newBuilder().setFilingId(ids.get(0)).build()).getFiling(), 1);

        List<String> paged = new ArrayList<>();
        String token = "";
        do {
            ListModelsResponse page = asRegulator().listModels(ListModelsRequest.newBuilder().setFamily(family)
                    .setPageSize(2).setPageToken(token).build());
            page.getFilingsList().forEach(f -> paged.add(f.getFilingId()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(paged).containsExactlyElementsOf(ids);

        assertThat(asRegulator().listModels(ListModelsRequest.newBuilder().setFamily(family)
                .setStatus(FilingStatus.FILING_STATUS_ACCEPTED).build()).getFilingsList())
                .extracting(ModelFiling::getFilingId).containsExactly(ids.get(0));
        assertThat(asRegulator().listModels(ListModelsRequest.newBuilder().setFamily(family)
                .setIntelligenceLevel(IntelligenceLevel.INTELLIGENCE_LEVEL_L2).build()).getFilingsCount()).isEqualTo(5);
        assertThat(asRegulator().listModels(ListModelsRequest.newBuilder().setFamily(family)
                .setIntelligenceLevel(IntelligenceLevel.INTELLIGENCE_LEVEL_L3).build()).getFilingsCount()).isZero();
        // Others see only the accepted one.
        assertThat(client.as(Tokens.role("OPERATOR")).listModels(ListModelsRequest.newBuilder().setFamily(family)
                .build()).getFilingsCount()).isEqualTo(1);

        String token2 = asRegulator().listModels(ListModelsRequest.newBuilder().setFamily(family).setPageSize(1)
                .build()).getNextPageToken();
        invalid(() -> asRegulator().listModels(ListModelsRequest.newBuilder().setFamily("other").setPageToken(token2)
                .build()), "page_token");
        invalid(() -> asRegulator().listModels(ListModelsRequest.newBuilder().setManufacturerCode("XY").build()),
                "manufacturer_code");
        invalid(() -> asRegulator().listModels(ListModelsRequest.newBuilder().setPageSize(10_000).build()),
                "page_size");
    }

    @Test
    void badSpecificationsNameTheFieldAndStoreNothing() {
        int before = countFilings();
        assertThat(invalid(() -> asMaker().submitModelFiling(submission(withHardware(h -> h.setMassKg(-3))).build()),
                "specification.hardware.mass_kg")).contains("greater than 0");
        assertThat(invalid(() -> asMaker().submitModelFiling(submission(withHardware(h -> h.setDegreesOfFreedom(0)))
                .build()), "specification.hardware.degrees_of_freedom")).contains("between 1 and 500");
        invalid(() -> asMaker().submitModelFiling(submission(withHardware(h -> h.setHeightM(Double.NaN))).build()),
                "specification.hardware.height_m");
        invalid(() -> asMaker().submitModelFiling(submission(withHardware(h -> h.setTopSpeedMPerS(45))).build()),
                "specification.hardware.top_speed_m_per_s");
        invalid(() -> asMaker().submitModelFiling(submission(withHardware(h -> h.setPayloadKg(-1))).build()),
                "specification.hardware.payload_kg");
        invalid(() -> asMaker().submitModelFiling(submission(withHardware(h -> h.setBatteryChemistry(
                BatteryChemistry.BATTERY_CHEMISTRY_UNSPECIFIED))).build()), "specification.hardware.battery_chemistry");
        invalid(() -> asMaker().submitModelFiling(submission(withHardware(h -> h.clearSensors())).build()),
                "specification.hardware.sensors");
        invalid(() -> asMaker().submitModelFiling(submission(Fixtures.specification().setName("n".repeat(201)))
                .build()), "specification.name");
        invalid(() -> asMaker().submitModelFiling(submission(Fixtures.specification().clearCapabilities()).build()),
                "specification.capabilities");
        invalid(() -> asMaker().submitModelFiling(submission(Fixtures.specification().clearSoftwareBaseline())
                .build()), "specification.software_baseline");
        invalid(() -> asMaker().submitModelFiling(submission(Fixtures.specification().clearIntendedScenarios())
                .build()), "specification.intended_scenarios");
        var spec = Fixtures.specification();
        spec.getDataCollectionBuilder().setRetentionDays(-1).getDestinationsBuilder(0).setCountry("XX");
        invalid(() -> asMaker().submitModelFiling(submission(spec).build()), "specification.data_collection.retention_days");
        invalid(() -> asMaker().submitModelFiling(submission(spec).build()),
                "specification.data_collection.destinations[0].country");
        invalid(() -> asMaker().submitModelFiling(SubmitModelFilingRequest.newBuilder()
                .setRequestId(Fixtures.requestId()).setManufacturerCode(maker).build()), "specification");
        invalid(() -> asMaker().submitModelFiling(submission(Fixtures.specification()).setManufacturerCode("").build()),
                "manufacturer_code");
        invalid(() -> asMaker().submitModelFiling(submission(Fixtures.specification()).setRequestId("x").build()),
                "request_id");
        assertThat(countFilings()).isEqualTo(before);

        refused(() -> client.as(Tokens.manufacturer("ZZZX")).submitModelFiling(submission(Fixtures.specification())
                .setManufacturerCode("ZZZX").build()), Status.Code.NOT_FOUND);
    }

    @Test
    void unknownFilingsAndModelCodes() {
        String unknown = UUID.randomUUID().toString();
        refused(() -> asRegulator().getModel(GetModelRequest.newBuilder().setFilingId(unknown).build()),
                Status.Code.NOT_FOUND);
        refused(() -> asRegulator().getModel(GetModelRequest.newBuilder().setModelCode("ZZZZZZ").build()),
                Status.Code.NOT_FOUND);
        invalid(() -> asRegulator().getModel(GetModelRequest.newBuilder().setModelCode("ABC").build()), "model_code");
        invalid(() -> asRegulator().getModel(GetModelRequest.newBuilder().build()), "filing_id");
        invalid(() -> asRegulator().getModel(GetModelRequest.newBuilder().setFilingId("nope").build()), "filing_id");
        refused(() -> asRegulator().reviewModelFiling(ReviewModelFilingRequest.newBuilder()
                .setRequestId(Fixtures.requestId()).setFilingId(unknown).setRevision(1)
                .setDecision(ReviewDecision.REVIEW_DECISION_ACCEPT).build()), Status.Code.NOT_FOUND);
        refused(() -> asMaker().amendModelFiling(AmendModelFilingRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(unknown).setReason("r").setSpecification(Fixtures.specification()).build()),
                Status.Code.NOT_FOUND);
        invalid(() -> asMaker().amendModelFiling(AmendModelFilingRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(unknown).setSpecification(Fixtures.specification()).build()), "reason");
        invalid(() -> asRegulator().listModelRevisions(ListModelRevisionsRequest.newBuilder().build()), "filing_id");
        refused(() -> asRegulator().listModelRevisions(ListModelRevisionsRequest.newBuilder().setFilingId(unknown)
                .build()), Status.Code.NOT_FOUND);
    }

    @Test
    void retriedReviewReturnsTheSameModelCode() {
        ModelFiling filing = submit();
        ReviewModelFilingRequest request = review(filing, 1, ReviewDecision.REVIEW_DECISION_ACCEPT).build();
        ModelFiling first = asRegulator().reviewModelFiling(request).getFiling();
        ModelFiling retry = asRegulator().reviewModelFiling(request).getFiling();
        assertThat(retry).isEqualTo(first);
        // The same request id from another caller is not theirs to replay.
        var e = refused(() -> client.as(Tokens.token("regulator-2", "REGULATOR", null, null))
                .reviewModelFiling(request), Status.Code.INVALID_ARGUMENT);
        assertThat(reason(e)).isEqualTo("REQUEST_ID_REUSED");
    }

    private static ModelSpecification.Builder withHardware(java.util.function.Consumer<HardwareParameters.Builder> change) {
        ModelSpecification.Builder spec = Fixtures.specification();
        change.accept(spec.getHardwareBuilder());
        return spec;
    }

    private static int countFilings() {
        return asRegulator().listModels(ListModelsRequest.newBuilder().setManufacturerCode(maker).setPageSize(500)
                .build()).getFilingsCount();
    }
}
