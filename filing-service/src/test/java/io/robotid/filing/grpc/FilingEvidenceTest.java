package io.robotid.filing.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.robotid.evidence.codec.Sha256;
import io.robotid.evidence.format.FilingRecords;
import io.robotid.evidence.tlog.RecordProofs;
import io.robotid.evidence.tlog.WitnessPolicy;
import io.robotid.filing.support.FilingClient;
import io.robotid.filing.support.Fixtures;
import io.robotid.proto.filing.v1.AmendModelFilingRequest;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.ProductionSite;
import io.robotid.proto.filing.v1.ReviewDecision;
import io.robotid.proto.filing.v1.WithdrawModelRequest;
import io.robotid.proto.tlog.v1.GetLogInfoRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceRequest;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.robotid.proto.tlog.v1.TransparencyLogServiceGrpc;
import io.robotid.testkit.Tokens;

/**
 * Every filing write is sealed (EVIDENCE.md section 13) and committed to filing-service's transparency log
 * in its transaction (section 11): registration of a manufacturer and a site, a model's submission, its
 * review, an amendment, a rejected amendment, its withdrawal. Each record's evidence carries the sealed
 * record, which hashes to what the log entry commits to and says what was done.
 */
@QuarkusTest
@QuarkusTestResource(OidcWiremockTestResource.class)
class FilingEvidenceTest {
    static FilingClient client;

    @BeforeAll
    static void setUp() {
        client = new FilingClient();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        client.close();
    }

    static TransparencyLogServiceGrpc.TransparencyLogServiceBlockingStub log(String token) {
        var stub = TransparencyLogServiceGrpc.newBlockingStub(client.channel());
        if (token == null) {
            return stub;
        }
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** A record's evidence once its leaf is under a served checkpoint, checked under the log's own key. */
    static byte[] proven(String key, String kind) throws InterruptedException {
        WitnessPolicy policy = WitnessPolicy.parse("log " + log(null).getLogInfo(GetLogInfoRequest.getDefaultInstance())
                .getVkey() + "\nquorum none\n");
        GetRecordEvidenceRequest request = GetRecordEvidenceRequest.newBuilder().setRecordKey(key).build();
        for (int i = 0; i < 200; i++) {
            try {
                GetRecordEvidenceResponse e = log(Tokens.auditor()).getRecordEvidence(request);
                byte[] record = e.getRecord().toByteArray();
                assertThat(Sha256.of(record)).as(key + ": the record hashes to the committed hash")
                        .isEqualTo(e.getRecordHash().toByteArray());
                RecordProofs.verify(policy, e.getTlogProof(), kind, e.getSalt().toByteArray(), Sha256.of(record));
                return record;
            } catch (StatusRuntimeException x) {
                assertThat(x.getStatus().getCode()).as(key).isEqualTo(Status.Code.NOT_FOUND);
                Thread.sleep(25);
            }
        }
        throw new AssertionError(key + " is not under a checkpoint within 5 s");
    }

    static Status.Code code(String token, String key) {
        try {
            log(token).getRecordEvidence(GetRecordEvidenceRequest.newBuilder().setRecordKey(key).build());
            return Status.Code.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    @Test
    void everyFilingWriteIsSealedAndProvenInTheLog() throws Exception {
        Manufacturer maker = ManufacturerGrpcTest.register(client);
        FilingRecords.Manufacturer m = FilingRecords.decodeManufacturer(proven("manufacturer/" + maker.getCode(), "manufacturer"));
        assertThat(m.legalName()).isEqualTo(maker.getLegalName());
        assertThat(m.registrationNumber()).isEqualTo(maker.getRegistrationNumber());
        assertThat(m.registered().role()).isEqualTo("REGULATOR");

        ProductionSite site = client.as(Tokens.manufacturer(maker.getCode()))
                .registerProductionSite(ManufacturerGrpcTest.site(maker.getCode()).build()).getSite();
        proven("site/" + maker.getCode() + "/" + site.getSiteCode(), "production-site");

        var asMaker = client.as(Tokens.manufacturer(maker.getCode()));
        ModelFiling filing = asMaker.submitModelFiling(io.robotid.proto.filing.v1.SubmitModelFilingRequest.newBuilder()
                .setRequestId(Fixtures.requestId()).setManufacturerCode(maker.getCode())
                .setSpecification(Fixtures.specification()).build()).getFiling();
        String prefix = "filing/" + filing.getFilingId() + "/revision/";
        byte[] revision1 = proven(prefix + "1", "model-revision");
        FilingRecords.Revision r1 = FilingRecords.decodeRevision(revision1);
        assertThat(r1.manufacturerCode()).isEqualTo(maker.getCode());
        assertThat(r1.specification()).contains("\"name\"");

        ModelFiling accepted = client.as(Tokens.regulator()).reviewModelFiling(
                ModelFilingGrpcTest.review(filing, 1, ReviewDecision.REVIEW_DECISION_ACCEPT).build()).getFiling();
        FilingRecords.Review review = FilingRecords.decodeReview(proven(prefix + "1/review", "model-review"));
        assertThat(review.decision()).isEqualTo("ACCEPTED");
        assertThat(review.modelCode()).isEqualTo(accepted.getModelCode()).hasSize(6);
        assertThat(review.revisionHash()).as("the review names the revision by its hash").isEqualTo(Sha256.of(revision1));

        asMaker.amendModelFiling(AmendModelFilingRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(filing.getFilingId()).setReason("new battery pack").setSpecification(Fixtures.specification())
                .build());
        assertThat(FilingRecords.decodeRevision(proven(prefix + "2", "model-revision")).reason()).isEqualTo("new battery pack");
        client.as(Tokens.regulator()).reviewModelFiling(ModelFilingGrpcTest.review(filing, 2,
                ReviewDecision.REVIEW_DECISION_REJECT).build());
        FilingRecords.Review rejected = FilingRecords.decodeReview(proven(prefix + "2/review", "model-review"));
        assertThat(rejected.decision()).isEqualTo("REJECTED");
        assertThat(rejected.modelCode()).as("the model keeps its code").isEqualTo(accepted.getModelCode());

        // the rejected revision is for its manufacturer, regulators and auditors; to anyone else it does not
        // exist, as through ListModelRevisions; the accepted one is for any authenticated caller
        String other = Tokens.role("ROBOT");
        assertThat(code(other, prefix + "2")).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(other, prefix + "2/review")).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(Tokens.manufacturer(maker.getCode()), prefix + "2")).isEqualTo(Status.Code.OK);
        assertThat(code(other, prefix + "1")).isEqualTo(Status.Code.OK);
        assertThat(code(other, prefix + "1/review")).isEqualTo(Status.Code.OK);
        assertThat(code(other, "filing/00000000-0000-0000-0000-000000000000/revision/1")).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(other, "filing/x/whatever")).isEqualTo(Status.Code.NOT_FOUND);

        asMaker.withdrawModel(WithdrawModelRequest.newBuilder().setRequestId(Fixtures.requestId())
                .setFilingId(filing.getFilingId()).setReason("end of production").build());
        proven("filing/" + filing.getFilingId() + "/withdrawal", "model-withdrawal");

        // a refused write leaves no record: a rejected review of a withdrawn filing
        assertThatThrownBy(() -> client.as(Tokens.regulator()).reviewModelFiling(ModelFilingGrpcTest.review(filing, 2,
                ReviewDecision.REVIEW_DECISION_ACCEPT).build())).isInstanceOf(StatusRuntimeException.class);
        List<String> keys = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                var query = c.prepareStatement("select record_key from filing_record where record_key like ? order by record_key")) {
            query.setString(1, "filing/" + filing.getFilingId() + "/%");
            try (var rows = query.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        }
        assertThat(keys).containsExactly(prefix + "1", prefix + "1/review", prefix + "2", prefix + "2/review",
                "filing/" + filing.getFilingId() + "/withdrawal");

        // a sealed record changed in PostgreSQL (the reason of revision 2 rewritten) no longer verifies against
        // the entry its leaf committed under the checkpoint
        byte[] changed = FilingRecords.encode(new FilingRecords.Revision(r1.filingId(), r1.manufacturerCode(), 2,
                "a better story", r1.intelligenceLevel(), r1.specification(), r1.submitted()));
        try (Connection c = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.username", String.class).orElse("postgres"),
                ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
                var update = c.prepareStatement("update filing_record set sealed = ?, record_hash = ? where record_key = ?")) {
            update.setBytes(1, changed);
            update.setString(2, io.robotid.evidence.codec.Hex.of(Sha256.of(changed)));
            update.setString(3, prefix + "2");
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        GetRecordEvidenceResponse tampered = log(Tokens.auditor()).getRecordEvidence(GetRecordEvidenceRequest.newBuilder()
                .setRecordKey(prefix + "2").build());
        WitnessPolicy policy = WitnessPolicy.parse("log " + log(null).getLogInfo(GetLogInfoRequest.getDefaultInstance())
                .getVkey() + "\nquorum none\n");
        assertThatThrownBy(() -> RecordProofs.verify(policy, tampered.getTlogProof(), "model-revision",
                tampered.getSalt().toByteArray(), Sha256.of(tampered.getRecord().toByteArray())))
                .hasMessageContaining("the log entry does not commit to this record");
        // a record's evidence is for authenticated callers; bad keys are refused by name
        assertThatThrownBy(() -> log(null).getRecordEvidence(GetRecordEvidenceRequest.newBuilder()
                .setRecordKey(prefix + "1").build())).extracting(t -> ((StatusRuntimeException) t).getStatus().getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThatThrownBy(() -> log(Tokens.auditor()).getRecordEvidence(GetRecordEvidenceRequest.newBuilder()
                .setRecordKey("").build())).hasMessageContaining("record_key");
    }
}
