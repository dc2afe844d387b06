package io.robotid.certification.domain;

import java.time.Instant;
import java.util.List;

/**
 * A test result as a certification body posted it (gRPC SubmitTestResult or REST), before the field rules
 * (TestResultService.validate). Null is "not given"; the enums are proto values, so that UNSPECIFIED and unknown
 * numbers are told apart by the rules, not by the transport. Field names in the rules' answers are the request's.
 *
 * @param conditions null: no {@code conditions} were sent
 * @param evidence   null: no {@code evidence} was sent
 * @param validity   null: no {@code validity} was sent
 */
public record PostedTestResult(String subject, io.robotid.proto.certification.v1.Tier tier, List<String> standards,
        Instant testDate, io.robotid.proto.certification.v1.Outcome outcome, PostedConditions conditions,
        PostedEvidence evidence, PostedValidity validity) {

    /**
     * Operating conditions as posted; null is "not given".
     *
     * @param allowedTaskCategories as sent, never null (empty: none sent)
     */
    public record PostedConditions(Double maxSpeedMPerS, Double maxPayloadKg,
            io.robotid.proto.certification.v1.Environment environment, Boolean peopleNearbyAllowed,
            List<String> allowedTaskCategories) {
    }

    /** The test report as posted: its URI and SHA-256, as sent (empty when not sent). */
    public record PostedEvidence(String reportUri, String reportSha256) {
    }

    /** The validity window as posted; null is "not given". */
    public record PostedValidity(Instant validFrom, Instant validUntil) {
    }
}
