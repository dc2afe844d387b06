package io.robotid.identity.grpc;

import io.robotid.testkit.Filings;
import io.robotid.testkit.GrpcAssertions;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robotid.identity.support.Clients;
import io.robotid.identity.support.FilingServiceProcess;
import io.robotid.kit.id.Mod3736;
import io.robotid.evidence.crypto.Ed25519;
import io.robotid.proto.identity.v1.*;

/** VerifyIdentity and the signing keys: public, no token. */
@QuarkusTest
@QuarkusTestResource(FilingServiceProcess.class)
class VerifyIdentityIT {

    static Clients clients;
    static Identity issued;

    @BeforeAll
    static void setUp() {
        clients = new Clients();
        Filings.Maker maker = clients.fileMaker();
        issued = IssueIdentitiesIT.issueWith(clients, maker, Clients.issue(maker, 3).build()).get(1);
    }

    @AfterAll
    static void tearDown() throws InterruptedException {
        clients.close();
    }

    static VerifyIdentityResponse verify(String id, String certificate) {
        return clients.identityAnonymous().verifyIdentity(VerifyIdentityRequest.newBuilder().setRobotId(id)
                .setCertificate(certificate).build());
    }

    static VerifyIdentityResponse verify(String id) {
        return verify(id, "");
    }

    @Test
    void anyCaseAndSeparatorsAreAccepted() {
        String id = issued.getRobotId();
        for (String form : List.of(id, id.toLowerCase(), issued.getDisplayForm(),
                issued.getDisplayForm().replace(' ', '-'), "  " + issued.getDisplayForm().toLowerCase() + " ")) {
            VerifyIdentityResponse response = verify(form);
            assertThat(response.getVerdict()).as(form).isEqualTo(Verdict.VERDICT_VALID);
            assertThat(response.getCanonicalId()).isEqualTo(id);
            assertThat(response.getCertificate()).isEqualTo(CertificateCheck.CERTIFICATE_CHECK_NOT_PRESENTED);
            assertThat(response.getModelCode()).isEqualTo(issued.getModelCode());
        }
    }

    @Test
    void malformedInputsSayWhichRuleBroke() {
        String id = issued.getRobotId();
        assertThat(verify("").getVerdict()).isEqualTo(Verdict.VERDICT_MALFORMED);
        assertThat(verify(id.substring(0, 28)).getMalformedReason()).contains("29 characters");
        assertThat(verify(id + "A").getMalformedReason()).contains("29 characters");
        assertThat(verify(id.substring(0, 10) + "é" + id.substring(11)).getVerdict()).isEqualTo(Verdict.VERDICT_MALFORMED);
        assertThat(verify(id.substring(0, 10) + "漢" + id.substring(11)).getVerdict()).isEqualTo(Verdict.VERDICT_MALFORMED);
        assertThat(verify("x".repeat(10_000)).getVerdict()).isEqualTo(Verdict.VERDICT_MALFORMED);
        assertThat(verify(id.substring(0, 28) + "*").getVerdict()).isEqualTo(Verdict.VERDICT_MALFORMED);
    }

    @Test
    void aWrongCheckCharacterSuggestsTheIssuedIdsOneCharacterAway() {
        String id = issued.getRobotId();
        char wrong = id.charAt(28) == 'A' ? 'B' : 'A';
        VerifyIdentityResponse response = verify(id.substring(0, 28) + wrong);
        assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_BAD_CHECK_CHARACTER);
        assertThat(response.getExpectedCheckCharacter()).isEqualTo(String.valueOf(id.charAt(28)));
        assertThat(response.getSuggestionsList()).contains(id);
    }

    @Test
    void aSequenceTypedAsZerosSuggestsTheIssuedIdOneCharacterAway() {
        String id = issued.getRobotId();
        assertThat(id.substring(16, 28).chars().filter(c -> c != '0').count()).as("fixture: one non-zero sequence digit")
                .isOne();
        VerifyIdentityResponse response = verify(id.substring(0, 16) + "000000000000" + id.charAt(28));
        assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_MALFORMED);
        assertThat(response.getMalformedReason()).startsWith("the sequence starts at 000000000001")
                .endsWith("(did you mean " + id + "?)");
        assertThat(response.getSuggestionsList()).containsExactly(id);
        // nothing valid is one character away from a short ID: no suggestion
        assertThat(verify(id.substring(0, 28)).getSuggestionsList()).isEmpty();
    }

    static VerifyIdentitiesResponse verifyAll(List<String> ids) {
        return clients.identityAnonymous().verifyIdentities(VerifyIdentitiesRequest.newBuilder().addAllRobotIds(ids).build());
    }

    @Test
    void manyIdsAreVerifiedInOneCallEachAnsweredAsVerifyIdentityAnswersIt() {
        String id = issued.getRobotId();
        String unissued = id.substring(0, 16) + "999999999999";
        char wrong = id.charAt(28) == 'A' ? 'B' : 'A';
        List<String> asked = List.of(issued.getDisplayForm().toLowerCase(), unissued + Mod3736.checkCharacter(unissued), "",
                id.substring(0, 28) + wrong, id.substring(0, 16) + "000000000000" + id.charAt(28), "x".repeat(10_000), id,
                id);
        List<VerifyIdentityResponse> results = verifyAll(asked).getResultsList();
        assertThat(results).hasSize(asked.size());
        for (int i = 0; i < asked.size(); i++) {
            assertThat(results.get(i)).as("answer %d", i).isEqualTo(verify(asked.get(i)));
        }
        assertThat(results).extracting(VerifyIdentityResponse::getVerdict).containsExactly(Verdict.VERDICT_VALID,
                Verdict.VERDICT_UNKNOWN, Verdict.VERDICT_MALFORMED, Verdict.VERDICT_BAD_CHECK_CHARACTER,
                Verdict.VERDICT_MALFORMED, Verdict.VERDICT_MALFORMED, Verdict.VERDICT_VALID, Verdict.VERDICT_VALID);
        assertThat(results.get(0).getModelCode()).isEqualTo(issued.getModelCode());
        assertThat(results.get(3).getSuggestionsList()).contains(id);
    }

    @Test
    void verifyIdentitiesTakesOneToAThousandIds() {
        String id = issued.getRobotId();
        assertThat(GrpcAssertions.invalid(() -> verifyAll(List.of()), "robot_ids")).isEqualTo("needs at least one entry");
        assertThat(GrpcAssertions.invalid(() -> verifyAll(java.util.Collections.nCopies(1_001, id)), "robot_ids"))
                .isEqualTo("must have at most 1000 entries");
        assertThat(verifyAll(java.util.Collections.nCopies(1_000, id)).getResultsList())
                .hasSize(1_000).allMatch(r -> r.getVerdict() == Verdict.VERDICT_VALID);
    }

    @Test
    void aChangedCharacterIsCaughtOrUnknown() {
        String id = issued.getRobotId();
        // Change a sequence digit: the check character no longer fits.
        char digit = id.charAt(27) == '9' ? '8' : (char) (id.charAt(27) + 1);
        String changed = id.substring(0, 27) + digit + id.charAt(28);
        VerifyIdentityResponse response = verify(changed);
        assertThat(response.getVerdict()).isEqualTo(Verdict.VERDICT_BAD_CHECK_CHARACTER);
        assertThat(response.getSuggestionsList()).contains(id);
        // Well formed with a correct check character, but never issued.
        String neverIssued = id.substring(0, 16) + "999999999999";
        assertThat(verify(neverIssued + Mod3736.checkCharacter(neverIssued)).getVerdict())
                .isEqualTo(Verdict.VERDICT_UNKNOWN);
    }

    @Test
    void certificatesAreCheckedAgainstThePublishedKeys() {
        String text = issued.getCertificate().getText();
        assertThat(verify(issued.getRobotId(), text).getCertificate())
                .isEqualTo(CertificateCheck.CERTIFICATE_CHECK_GENUINE);

        String[] parts = text.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[5] ^= 1;
        String altered = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertThat(verify(issued.getRobotId(), altered).getCertificate())
                .isEqualTo(CertificateCheck.CERTIFICATE_CHECK_NOT_GENUINE);
        String otherTime = parts[0] + "." + (Long.parseLong(parts[1]) + 1) + "." + parts[2];
        assertThat(verify(issued.getRobotId(), otherTime).getCertificate())
                .isEqualTo(CertificateCheck.CERTIFICATE_CHECK_NOT_GENUINE);
        assertThat(verify(issued.getRobotId(), "AAAAAAAAAAAAAAAA." + parts[1] + "." + parts[2]).getCertificate())
                .isEqualTo(CertificateCheck.CERTIFICATE_CHECK_UNKNOWN_KEY);
        assertThat(verify(issued.getRobotId(), "garbage").getCertificate())
                .isEqualTo(CertificateCheck.CERTIFICATE_CHECK_NOT_GENUINE);

        // A genuine certificate copied onto a printed fake with another ID.
        String fakeBody = issued.getRobotId().substring(0, 16) + "000000000777";
        String fake = fakeBody + Mod3736.checkCharacter(fakeBody);
        VerifyIdentityResponse forged = verify(fake, text);
        assertThat(forged.getCertificate()).isEqualTo(CertificateCheck.CERTIFICATE_CHECK_NOT_GENUINE);
    }

    @Test
    void signingKeysArePublicOverGrpcAndAsAJwkSet() {
        ListSigningKeysResponse keys = clients.identityAnonymous().listSigningKeys(ListSigningKeysRequest.getDefaultInstance());
        SigningKey active = keys.getKeysList().stream().filter(SigningKey::getActive).findFirst().orElseThrow();
        assertThat(active.getKeyId()).isEqualTo(issued.getCertificate().getKeyId());
        assertThat(active.getAlgorithm()).isEqualTo("Ed25519");
        assertThat(active.getPublicKey().size()).isEqualTo(32);
        assertThat(Ed25519.keyId(active.getPublicKey().toByteArray())).isEqualTo(active.getKeyId());

        given().when().get("/api/v1/signing-keys/jwks.json").then().statusCode(200)
                .body("keys.kid", hasItem(active.getKeyId()))
                .body("keys.find { it.kid == '" + active.getKeyId() + "' }.kty", equalTo("OKP"))
                .body("keys.find { it.kid == '" + active.getKeyId() + "' }.crv", equalTo("Ed25519"))
                .body("keys.find { it.kid == '" + active.getKeyId() + "' }.x",
                        equalTo(Base64.getUrlEncoder().withoutPadding().encodeToString(active.getPublicKey().toByteArray())));
    }
}
