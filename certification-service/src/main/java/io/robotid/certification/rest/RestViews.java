package io.robotid.certification.rest;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.robotid.certification.domain.ProtoValues;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.EffectiveTier;
import io.robotid.proto.certification.v1.ExcludedCertificate;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsResponse;
import io.robotid.proto.certification.v1.MissingRequirement;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.certification.v1.TestResult;

/**
 * The JSON of the REST API: the gRPC messages with the same field names, enum values without
 * their prefix ({@code BASE_SAFETY}, {@code PASS}) and times as RFC 3339 strings.
 */
public final class RestViews {
    private RestViews() {
    }

    static final String TIERS = "BASE_SAFETY, MOBILITY, MANIPULATION, PHYSICAL_INTERACTION, DATA_SECURITY, TASK_SPECIFIC, PUBLIC_SPACE";

    // ------------------------------------------------------------------------------------------ input

    @Schema(name = "TestResultInput", description = "A test result as a certification body posts it (same content as"
            + " SubmitTestResult). Enum values are accepted with or without their prefix (PASS or OUTCOME_PASS), any case.")
    public record TestResultInput(
            @Schema(description = "UUID chosen by the client and reused on retries; or send the Idempotency-Key header")
            @JsonProperty("request_id") String requestId,
            @Schema(description = "A 6-character model code or a 29-character robot ID", required = true,
                    example = "CNA1B2C3D4E526BJ000000000001G")
            @JsonProperty("subject") String subject,
            @Schema(required = true, enumeration = { "BASE_SAFETY", "MOBILITY", "MANIPULATION", "PHYSICAL_INTERACTION",
                    "DATA_SECURITY", "TASK_SPECIFIC", "PUBLIC_SPACE" })
            @JsonProperty("tier") String tier,
            @Schema(required = true, description = "1..20 standards applied, each within the body's accreditation scope",
                    example = "[\"ISO 13482:2014\"]")
            @JsonProperty("standards") List<String> standards,
            @Schema(required = true, format = "date-time", description = "RFC 3339; not in the future")
            @JsonProperty("test_date") String testDate,
            @Schema(required = true, enumeration = { "PASS", "FAIL", "PASS_WITH_CONDITIONS" })
            @JsonProperty("outcome") String outcome,
            @Schema(description = "Required for PASS_WITH_CONDITIONS; optional for PASS (absent: no limits)")
            @JsonProperty("conditions") ConditionsInput conditions,
            @Schema(required = true) @JsonProperty("evidence") EvidenceView evidence,
            @Schema(description = "Required for PASS and PASS_WITH_CONDITIONS")
            @JsonProperty("validity") ValidityInput validity) {
    }

    @Schema(name = "ConditionsInput")
    public record ConditionsInput(
            @Schema(description = "m/s, (0, 20]; absent: no speed limit") @JsonProperty("max_speed_m_per_s") Double maxSpeedMPerS,
            @Schema(description = "kg, [0, 1000]; absent: no payload limit") @JsonProperty("max_payload_kg") Double maxPayloadKg,
            @Schema(required = true, enumeration = { "INDOOR_ONLY", "INDOOR_AND_OUTDOOR" })
            @JsonProperty("environment") String environment,
            @Schema(required = true) @JsonProperty("people_nearby_allowed") Boolean peopleNearbyAllowed,
            @Schema(description = "Up to 50 categories of 1..64 of a-z, 0-9, '_', '-', '.'; empty: any task")
            @JsonProperty("allowed_task_categories") List<String> allowedTaskCategories) {
    }

    @Schema(name = "ValidityInput", description = "valid_from <= t < valid_until (valid_until is exclusive)")
    public record ValidityInput(
            @Schema(format = "date-time", description = "Optional; defaults to the test date")
            @JsonProperty("valid_from") String validFrom,
            @Schema(format = "date-time", required = true, description = "The first instant the certificate is no longer valid")
            @JsonProperty("valid_until") String validUntil) {
    }

    // ------------------------------------------------------------------------------------------ output

    @Schema(name = "Evidence")
    public record EvidenceView(
            @Schema(required = true, description = "Absolute URI of the report") @JsonProperty("report_uri") String reportUri,
            @Schema(required = true, description = "SHA-256 of the report, 64 hex characters")
            @JsonProperty("report_sha256") String reportSha256) {
    }

    @Schema(name = "OperatingConditions", description = "Absent limits are no limits")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConditionsView(
            @JsonProperty("max_speed_m_per_s") Double maxSpeedMPerS,
            @JsonProperty("max_payload_kg") Double maxPayloadKg,
            @Schema(enumeration = { "INDOOR_ONLY", "INDOOR_AND_OUTDOOR" }) @JsonProperty("environment") String environment,
            @JsonProperty("people_nearby_allowed") boolean peopleNearbyAllowed,
            @Schema(description = "Empty: any task category") @JsonProperty("allowed_task_categories") List<String> allowedTaskCategories) {

        static ConditionsView of(OperatingConditions c) {
            return new ConditionsView(c.hasMaxSpeedMPerS() ? c.getMaxSpeedMPerS() : null,
                    c.hasMaxPayloadKg() ? c.getMaxPayloadKg() : null, RestSpelling.of(c.getEnvironment()),
                    c.getPeopleNearbyAllowed(), c.getAllowedTaskCategoriesList());
        }
    }

    @Schema(name = "Validity")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ValidityView(@JsonProperty("valid_from") Instant validFrom,
            @JsonProperty("valid_until") Instant validUntil) {
    }

    @Schema(name = "AuditStamp", description = "Who made a write, when, under which request and trace")
    public record StampView(@JsonProperty("subject") String subject, @JsonProperty("role") String role,
            @JsonProperty("organisation") String organisation, @JsonProperty("time") Instant time,
            @JsonProperty("request_id") String requestId, @JsonProperty("trace_id") String traceId) {

        static StampView of(io.robotid.proto.common.v1.AuditStamp s) {
            return new StampView(s.getSubject(), s.getRole(), s.getOrganisation(), ProtoValues.instant(s.getTime()),
                    s.getRequestId(), s.getTraceId());
        }
    }

    @Schema(name = "Certificate")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CertificateView(
            @JsonProperty("certificate_id") String certificateId,
            @JsonProperty("result_id") String resultId,
            @JsonProperty("subject") String subject,
            @Schema(enumeration = { "MODEL", "UNIT" }) @JsonProperty("subject_kind") String subjectKind,
            @JsonProperty("model_code") String modelCode,
            @JsonProperty("manufacturer_code") String manufacturerCode,
            @JsonProperty("body_id") String bodyId,
            @Schema(enumeration = { "BASE_SAFETY", "MOBILITY", "MANIPULATION", "PHYSICAL_INTERACTION", "DATA_SECURITY",
                    "TASK_SPECIFIC", "PUBLIC_SPACE" }) @JsonProperty("tier") String tier,
            @JsonProperty("standards") List<String> standards,
            @JsonProperty("test_date") Instant testDate,
            @Schema(enumeration = { "PASS", "PASS_WITH_CONDITIONS" }) @JsonProperty("outcome") String outcome,
            @Schema(description = "Absent for a PASS posted without conditions (no limits)")
            @JsonProperty("conditions") ConditionsView conditions,
            @JsonProperty("validity") ValidityView validity,
            @JsonProperty("evidence") EvidenceView evidence,
            @Schema(enumeration = { "ACTIVE", "SUSPENDED", "REVOKED" }) @JsonProperty("state") String state,
            @JsonProperty("state_reason") String stateReason,
            @JsonProperty("issued") StampView issued,
            @JsonProperty("last_changed") StampView lastChanged,
            @Schema(description = "valid_until <= the time of the answer") @JsonProperty("expired") boolean expired) {

        static CertificateView of(Certificate c) {
            return new CertificateView(c.getCertificateId(), c.getResultId(), c.getSubject(),
                    RestSpelling.of(c.getSubjectKind()), c.getModelCode(), c.getManufacturerCode(),
                    c.getBodyId(), RestSpelling.of(c.getTier()), c.getStandardsList(),
                    ProtoValues.instant(c.getTestDate()), RestSpelling.of(c.getOutcome()),
                    c.hasConditions() ? ConditionsView.of(c.getConditions()) : null,
                    new ValidityView(ProtoValues.instant(c.getValidity().getValidFrom()),
                            ProtoValues.instant(c.getValidity().getValidUntil())),
                    new EvidenceView(c.getEvidence().getReportUri(), c.getEvidence().getReportSha256()),
                    RestSpelling.of(c.getState()), c.getStateReason(), StampView.of(c.getIssued()),
                    c.hasLastChanged() ? StampView.of(c.getLastChanged()) : null, c.getExpired());
        }
    }

    @Schema(name = "TestResult")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TestResultView(
            @JsonProperty("result_id") String resultId,
            @JsonProperty("subject") String subject,
            @Schema(enumeration = { "MODEL", "UNIT" }) @JsonProperty("subject_kind") String subjectKind,
            @JsonProperty("model_code") String modelCode,
            @JsonProperty("manufacturer_code") String manufacturerCode,
            @JsonProperty("body_id") String bodyId,
            @JsonProperty("tier") String tier,
            @JsonProperty("standards") List<String> standards,
            @JsonProperty("test_date") Instant testDate,
            @Schema(enumeration = { "PASS", "FAIL", "PASS_WITH_CONDITIONS" }) @JsonProperty("outcome") String outcome,
            @JsonProperty("conditions") ConditionsView conditions,
            @JsonProperty("evidence") EvidenceView evidence,
            @JsonProperty("validity") ValidityView validity,
            @Schema(description = "The certificate a pass became; absent for a FAIL")
            @JsonProperty("certificate_id") String certificateId,
            @JsonProperty("submitted") StampView submitted) {

        static TestResultView of(TestResult r) {
            return new TestResultView(r.getResultId(), r.getSubject(), RestSpelling.of(r.getSubjectKind()),
                    r.getModelCode(), r.getManufacturerCode(), r.getBodyId(), RestSpelling.of(r.getTier()),
                    r.getStandardsList(), ProtoValues.instant(r.getTestDate()), RestSpelling.of(r.getOutcome()),
                    r.hasConditions() ? ConditionsView.of(r.getConditions()) : null,
                    new EvidenceView(r.getEvidence().getReportUri(), r.getEvidence().getReportSha256()),
                    r.hasValidity() ? new ValidityView(
                            r.getValidity().hasValidFrom() ? ProtoValues.instant(r.getValidity().getValidFrom()) : null,
                            r.getValidity().hasValidUntil() ? ProtoValues.instant(r.getValidity().getValidUntil()) : null)
                            : null,
                    r.getCertificateId().isEmpty() ? null : r.getCertificateId(), StampView.of(r.getSubmitted()));
        }
    }

    @Schema(name = "CertificateList")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CertificateList(@JsonProperty("certificates") List<CertificateView> certificates,
            @Schema(description = "Pass as page_token for the next page; absent on the last page")
            @JsonProperty("next_page_token") String nextPageToken) {
    }

    @Schema(name = "EffectiveTier")
    public record EffectiveTierView(@JsonProperty("tier") String tier,
            @JsonProperty("certificates") List<CertificateView> certificates,
            @JsonProperty("conditions") ConditionsView conditions,
            @JsonProperty("no_task_category_allowed") boolean noTaskCategoryAllowed,
            @JsonProperty("valid_until") Instant validUntil) {

        static EffectiveTierView of(EffectiveTier t) {
            return new EffectiveTierView(RestSpelling.of(t.getTier()),
                    t.getCertificatesList().stream().map(CertificateView::of).toList(), ConditionsView.of(t.getConditions()),
                    t.getNoTaskCategoryAllowed(), ProtoValues.instant(t.getValidUntil()));
        }
    }

    @Schema(name = "MissingRequirement")
    public record MissingView(
            @Schema(enumeration = { "ANY_OPERATION", "PUBLIC_SPACE", "PHYSICAL_INTERACTION_TASKS" })
            @JsonProperty("requirement") String requirement,
            @JsonProperty("tier") String tier, @JsonProperty("rule") String rule) {

        static MissingView of(MissingRequirement m) {
            return new MissingView(RestSpelling.of(m.getRequirement()), RestSpelling.of(m.getTier()),
                    m.getRule());
        }
    }

    @Schema(name = "RevalidationNeed")
    public record NeedView(@JsonProperty("tier") String tier, @JsonProperty("since") Instant since,
            @JsonProperty("cause") String cause,
            @JsonProperty("lifecycle_event_sequence") long lifecycleEventSequence,
            @JsonProperty("lifecycle_feed_sequence") long lifecycleFeedSequence) {

        static NeedView of(RevalidationNeed n) {
            return new NeedView(RestSpelling.of(n.getTier()), ProtoValues.instant(n.getSince()), n.getCause(),
                    n.getLifecycleEventSequence(), n.getLifecycleFeedSequence());
        }
    }

    @Schema(name = "ExcludedCertificate")
    public record ExcludedView(@JsonProperty("certificate") CertificateView certificate,
            @Schema(enumeration = { "EXPIRED", "NOT_YET_VALID", "SUSPENDED", "REVOKED", "NEEDS_REVALIDATION" })
            @JsonProperty("reason") String reason) {

        static ExcludedView of(ExcludedCertificate e) {
            return new ExcludedView(CertificateView.of(e.getCertificate()), RestSpelling.of(e.getReason()));
        }
    }

    @Schema(name = "EffectiveCertifications")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EffectiveView(@JsonProperty("robot_id") String robotId,
            @JsonProperty("model_code") String modelCode,
            @JsonProperty("at") Instant at,
            @Schema(enumeration = { "L0", "L1", "L2", "L3", "L4", "UNSPECIFIED" })
            @JsonProperty("intelligence_level") String intelligenceLevel,
            @JsonProperty("tiers") List<EffectiveTierView> tiers,
            @Schema(description = "The tightest conditions over every effective certificate; absent when none is effective")
            @JsonProperty("conditions") ConditionsView conditions,
            @JsonProperty("no_task_category_allowed") boolean noTaskCategoryAllowed,
            @JsonProperty("missing") List<MissingView> missing,
            @JsonProperty("needs_revalidation") List<NeedView> needsRevalidation,
            @JsonProperty("excluded") List<ExcludedView> excluded) {

        static EffectiveView of(GetEffectiveCertificationsResponse r) {
            return new EffectiveView(r.getRobotId(), r.getModelCode(), ProtoValues.instant(r.getAt()),
                    RestSpelling.of(r.getIntelligenceLevel()),
                    r.getTiersList().stream().map(EffectiveTierView::of).toList(),
                    r.hasConditions() ? ConditionsView.of(r.getConditions()) : null, r.getNoTaskCategoryAllowed(),
                    r.getMissingList().stream().map(MissingView::of).toList(),
                    r.getNeedsRevalidationList().stream().map(NeedView::of).toList(),
                    r.getExcludedList().stream().map(ExcludedView::of).toList());
        }
    }
}
