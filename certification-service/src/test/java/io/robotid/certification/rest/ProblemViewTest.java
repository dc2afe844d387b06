package io.robotid.certification.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.Problem;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.certification.v1.Tier;

/** REST problem details spell enum values as the REST JSON does (PUBLIC_SPACE), not as gRPC (TIER_PUBLIC_SPACE). */
class ProblemViewTest {

    @Test
    void theDetailUsesTheRestSpellingOfTiers() {
        ProblemView view = ProblemView.of(Problem.of(DomainException.permissionDenied("OUTSIDE_ACCREDITATION_SCOPE",
                "certification body CB-1 is not accredited for tier TIER_PUBLIC_SPACE (its tiers: [TIER_BASE_SAFETY,"
                        + " TIER_MOBILITY])")), "/api/v1/test-results");

        assertThat(view.detail()).isEqualTo(
                "certification body CB-1 is not accredited for tier PUBLIC_SPACE (its tiers: [BASE_SAFETY, MOBILITY])");
        assertThat(view.reason()).isEqualTo("OUTSIDE_ACCREDITATION_SCOPE");
    }

    @Test
    void fieldRulesAndMetadataUseTheRestSpellingToo() {
        Violations v = new Violations();
        v.add("tier", "is required: one of [TIER_BASE_SAFETY, TIER_PUBLIC_SPACE]");
        v.add("outcome", "OUTCOME_PASS_WITH_CONDITIONS needs conditions");
        ProblemView rules = ProblemView.of(Problem.of(catchDomain(v)), "/api/v1/test-results");
        assertThat(rules.errors()).extracting(ProblemView.Violation::description).containsExactly(
                "is required: one of [BASE_SAFETY, PUBLIC_SPACE]", "PASS_WITH_CONDITIONS needs conditions");

        ProblemView meta = ProblemView.of(Problem.of(DomainException.failedPrecondition("CERTIFICATE_NOT_ACTIVE",
                "certificate is CERTIFICATE_STATE_REVOKED", Map.of("state", "CERTIFICATE_STATE_REVOKED"))), "/api/v1/x");
        assertThat(meta.detail()).isEqualTo("certificate is REVOKED");
        assertThat(meta.metadata()).containsEntry("state", "REVOKED");
        // the reason is a machine-readable code, not an enum value: it stays as it is
        assertThat(meta.reason()).isEqualTo("CERTIFICATE_NOT_ACTIVE");
    }

    @Test
    void onlyWholeEnumValueNamesChangeAndUnspecifiedStays() {
        assertThat(RestSpelling.text("TIER_UNSPECIFIED is not a tier; XTIER_MOBILITY and TIER_MOBILITYX are not values;"
                + " request_id REQUEST_ID_REUSED")).isEqualTo("TIER_UNSPECIFIED is not a tier; XTIER_MOBILITY and"
                        + " TIER_MOBILITYX are not values; request_id REQUEST_ID_REUSED");
        for (Tier tier : Tier.values()) {
            if (tier != Tier.TIER_UNSPECIFIED && tier != Tier.UNRECOGNIZED) {
                assertThat(RestSpelling.text(tier.name())).isEqualTo(RestSpelling.of(tier))
                        .isEqualTo(tier.name().substring("TIER_".length()));
            }
        }
        assertThat(RestSpelling.of(Tier.UNRECOGNIZED)).isEqualTo("UNRECOGNIZED");
    }

    private static DomainException catchDomain(Violations v) {
        try {
            v.throwIfAny();
        } catch (DomainException e) {
            return e;
        }
        throw new AssertionError("no violations thrown");
    }
}
