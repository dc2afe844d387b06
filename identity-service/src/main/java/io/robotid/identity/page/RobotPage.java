package io.robotid.identity.page;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.qute.TemplateData;

/**
 * What the public robot page shows (HTML) and answers (JSON), assembled from this service's own
 * identities and the answers of filing-, lifecycle- and certification-service. Parts a peer could
 * not give are null and named in {@link #unavailable()}; parts the viewer may not see are null.
 */
@TemplateData
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RobotPage(
        String robotId,
        String displayForm,
        Verdict verdict,
        String headline,
        String explanation,
        /** NOT_PRESENTED, GENUINE, NOT_GENUINE or UNKNOWN_KEY. */
        String certificateCheck,
        String pageUrl,
        String qrUrl,
        Manufacturer manufacturer,
        Model model,
        Lifecycle lifecycle,
        Certification certification,
        List<Unavailable> unavailable,
        Viewer viewer,
        boolean reportFormOffered,
        /** For a bad check character: the issued IDs one character away. */
        List<String> suggestions,
        String malformedReason) {

    /** The page's answer to "is this a real robot ID?". */
    @TemplateData
    public enum Verdict {
        /** Issued, and the label's certificate is the registry's signature over it. */
        GENUINE(200),
        /** Issued, but no certificate was presented (the ID was typed in), so the label was not checked. */
        REGISTERED_NOT_VERIFIED(200),
        /** The certificate presented is not the registry's signature over this ID. */
        FORGED(200),
        /** Issued, but the robot is decommissioned, scrapped or recycled; the ID stays, retired. */
        RETIRED(200),
        /** Well formed, correct check character, never issued. */
        UNKNOWN(404),
        /** Well formed but its check character does not fit (a typo or an altered label). */
        BAD_CHECK_CHARACTER(400),
        /** Not a 29-character robot ID at all. */
        MALFORMED(400);

        public final int httpStatus;

        Verdict(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public boolean isIssued() {
            return this == GENUINE || this == REGISTERED_NOT_VERIFIED || this == RETIRED;
        }

        public boolean isGood() {
            return this == GENUINE;
        }

        public boolean isWarning() {
            return this == REGISTERED_NOT_VERIFIED || this == RETIRED;
        }

        /** Whether the page shows the robot's details (manufacturer, model, life, certifications). */
        public boolean showsDetails() {
            return this == GENUINE || this == REGISTERED_NOT_VERIFIED || this == RETIRED;
        }

        public String cssClass() {
            return switch (this) {
                case GENUINE -> "verdict-good";
                case REGISTERED_NOT_VERIFIED, RETIRED -> "verdict-warn";
                default -> "verdict-bad";
            };
        }
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Manufacturer(String code, String name, String country, Contact publicContact) {
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String code, String name, String family, String intelligenceLevel,
            String intelligenceText, String dataNotice, List<String> dataCategories, Integer dataRetentionDays,
            String dataRetentionText, List<String> dataDestinations) {
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Contact(String name, String email, String phone) {
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Recall(String campaignId, String title, String severity, String severityText) {
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(long sequence, String type, String typeText, String occurredAt, String occurredDate,
            String statusAfter) {
    }

    /**
     * The robot's life as lifecycle-service tells it to this viewer. {@code owner}, {@code operator}
     * and {@code history} only for viewers lifecycle-service shows custody to (regulator, auditor, the
     * robot's manufacturer, its owner or operator); never on the anonymous page.
     */
    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lifecycle(String status, String statusText, boolean retired, boolean suspended,
            boolean stopUse, String deploymentSite, Contact publicContact, Contact emergencyContact,
            String lastMaintenanceAt, String lastMaintenanceDate, List<Recall> openRecalls,
            int untriagedPublicReports, String owner, String operator, List<Event> history,
            Boolean historyTruncated) {
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(String maxSpeed, Double maxSpeedMPerS, String maxPayload, Double maxPayloadKg,
            String environment, String peopleNearby, Boolean peopleNearbyAllowed, List<String> taskCategories) {
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tier(String tier, String name, Limits limits, String validUntil, String validUntilDate,
            List<String> bodies) {
    }

    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Certification(List<Tier> tiers, Limits overall, List<String> missing,
            List<String> needsRevalidation) {
    }

    /** A part of the page a peer did not give (down, slow, or refused), in words. */
    @TemplateData
    public record Unavailable(String part, String text) {
    }

    /** Who is looking: anonymous, or a role whose token was forwarded to lifecycle-service. */
    @TemplateData
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Viewer(boolean anonymous, String role, boolean seesCustody) {
    }
}
