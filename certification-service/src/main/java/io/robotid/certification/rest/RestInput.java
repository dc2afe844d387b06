package io.robotid.certification.rest;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import io.robotid.certification.domain.Environment;
import io.robotid.certification.domain.Outcome;
import io.robotid.certification.domain.Tier;
import io.robotid.certification.domain.ProtoValues;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.certification.v1.Evidence;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.SubmitTestResultRequest;
import io.robotid.proto.certification.v1.Validity;

/**
 * JSON in, the same SubmitTestResultRequest a gRPC client sends. Values that cannot be read
 * (unknown enum names, malformed times) are collected as field violations and left unset, so the
 * request's own rules do not report the same field again.
 */
final class RestInput {
    private RestInput() {
    }

    /** The request, and the fields that could not be read. */
    record Converted(SubmitTestResultRequest request, Violations unreadable) {
    }

    static Converted testResult(RestViews.TestResultInput in, String requestId) {
        Violations v = new Violations();
        SubmitTestResultRequest.Builder b = SubmitTestResultRequest.newBuilder();
        if (requestId != null) {
            b.setRequestId(requestId);
        }
        if (in.subject() != null) {
            b.setSubject(in.subject());
        }
        if (in.tier() != null) {
            Tier tier = Tier.parse(in.tier());
            if (tier == null) {
                v.add("tier", "must be one of " + RestViews.TIERS + ", got '" + in.tier() + "'");
            } else {
                b.setTier(tier.proto());
            }
        }
        if (in.standards() != null) {
            for (int i = 0; i < in.standards().size(); i++) {
                String standard = in.standards().get(i);
                b.addStandards(standard == null ? "" : standard);
            }
        }
        Instant testDate = time("test_date", in.testDate(), v);
        if (testDate != null) {
            b.setTestDate(ProtoValues.timestamp(testDate));
        }
        if (in.outcome() != null) {
            Outcome outcome = Outcome.parse(in.outcome());
            if (outcome == null) {
                v.add("outcome", "must be PASS, FAIL or PASS_WITH_CONDITIONS, got '" + in.outcome() + "'");
            } else {
                b.setOutcome(outcome.proto());
            }
        }
        if (in.conditions() != null) {
            RestViews.ConditionsInput c = in.conditions();
            OperatingConditions.Builder cb = OperatingConditions.newBuilder();
            if (c.maxSpeedMPerS() != null) {
                cb.setMaxSpeedMPerS(c.maxSpeedMPerS());
            }
            if (c.maxPayloadKg() != null) {
                cb.setMaxPayloadKg(c.maxPayloadKg());
            }
            if (c.environment() != null) {
                Environment environment = Environment.parse(c.environment());
                if (environment == null) {
                    v.add("conditions.environment", "must be INDOOR_ONLY or INDOOR_AND_OUTDOOR, got '" + c.environment() + "'");
                } else {
                    cb.setEnvironment(environment.proto());
                }
            }
            if (c.peopleNearbyAllowed() != null) {
                cb.setPeopleNearbyAllowed(c.peopleNearbyAllowed());
            }
            if (c.allowedTaskCategories() != null) {
                c.allowedTaskCategories().forEach(t -> cb.addAllowedTaskCategories(t == null ? "" : t));
            }
            b.setConditions(cb);
        }
        if (in.evidence() != null) {
            b.setEvidence(Evidence.newBuilder()
                    .setReportUri(in.evidence().reportUri() == null ? "" : in.evidence().reportUri())
                    .setReportSha256(in.evidence().reportSha256() == null ? "" : in.evidence().reportSha256()));
        }
        if (in.validity() != null) {
            Validity.Builder vb = Validity.newBuilder();
            Instant from = time("validity.valid_from", in.validity().validFrom(), v);
            if (from != null) {
                vb.setValidFrom(ProtoValues.timestamp(from));
            }
            Instant until = time("validity.valid_until", in.validity().validUntil(), v);
            if (until != null) {
                vb.setValidUntil(ProtoValues.timestamp(until));
            }
            b.setValidity(vb);
        }
        return new Converted(b.build(), v);
    }

    /** An RFC 3339 time with an offset (e.g. 2026-11-20T10:00:00Z); null when absent or unreadable. */
    static Instant time(String field, String text, Violations v) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            v.add(field, "must be an RFC 3339 time with an offset, such as 2026-11-20T10:00:00Z, got '" + text + "'");
            return null;
        }
    }

    /** The fields already reported as unreadable. */
    static List<String> fields(Violations v) {
        return v.list().stream().map(f -> f.field()).toList();
    }
}
