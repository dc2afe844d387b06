package io.robotid.lifecycle.service;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import io.robotid.kit.validation.Violations;
import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.IncidentCategory;
import io.robotid.proto.lifecycle.v1.IncidentSeverity;
import io.robotid.proto.lifecycle.v1.RecallSeverity;

/** Every rule of every event payload, with the field path of each broken one. */
public final class EventValidator {
    public static final int MAX_TEXT = 200;
    public static final int MAX_DESCRIPTION = 4000;
    public static final int MAX_COMPONENTS = 500;
    /** Recorders' clocks may run a little ahead. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private EventValidator() {
    }

    /** The event type a payload is; UNSPECIFIED when none is set. */
    public static EventType typeOf(EventPayload payload) {
        return switch (payload.getKindCase()) {
            case PRODUCED -> EventType.EVENT_TYPE_PRODUCED;
            case SOLD -> EventType.EVENT_TYPE_SOLD;
            case TRANSFER_INITIATED -> EventType.EVENT_TYPE_TRANSFER_INITIATED;
            case TRANSFER_ACCEPTED -> EventType.EVENT_TYPE_TRANSFER_ACCEPTED;
            case LEASED -> EventType.EVENT_TYPE_LEASED;
            case DEPLOYED -> EventType.EVENT_TYPE_DEPLOYED;
            case TELEMETRY_SUMMARY -> EventType.EVENT_TYPE_TELEMETRY_SUMMARY;
            case MAINTENANCE_PERFORMED -> EventType.EVENT_TYPE_MAINTENANCE_PERFORMED;
            case COMPONENT_REPLACED -> EventType.EVENT_TYPE_COMPONENT_REPLACED;
            case SOFTWARE_UPDATED -> EventType.EVENT_TYPE_SOFTWARE_UPDATED;
            case INCIDENT_REPORTED -> EventType.EVENT_TYPE_INCIDENT_REPORTED;
            case RECALL_NOTIFIED -> EventType.EVENT_TYPE_RECALL_NOTIFIED;
            case RECALL_REMEDIED -> EventType.EVENT_TYPE_RECALL_REMEDIED;
            case SUSPENDED -> EventType.EVENT_TYPE_SUSPENDED;
            case REINSTATED -> EventType.EVENT_TYPE_REINSTATED;
            case DECOMMISSIONED -> EventType.EVENT_TYPE_DECOMMISSIONED;
            case SCRAPPED -> EventType.EVENT_TYPE_SCRAPPED;
            case RECYCLED -> EventType.EVENT_TYPE_RECYCLED;
            case KIND_NOT_SET -> EventType.EVENT_TYPE_UNSPECIFIED;
        };
    }

    public static void validate(EventPayload payload, Instant occurredAt, Instant now, Violations v) {
        if (occurredAt == null) {
            v.add("occurred_at", "is required");
        } else if (occurredAt.isBefore(EARLIEST)) {
            v.add("occurred_at", "must be after 2000-01-01");
        } else if (occurredAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            v.add("occurred_at", "must not be in the future (more than 5 minutes ahead of the registry)");
        }
        String p = "payload.";
        switch (payload.getKindCase()) {
            case KIND_NOT_SET -> v.add("payload", "is required: exactly one event payload");
            case PRODUCED -> {
                var e = payload.getProduced();
                try {
                    LocalDate.parse(e.getBuildDate());
                } catch (DateTimeParseException ex) {
                    v.add(p + "produced.build_date", "must be an ISO date YYYY-MM-DD");
                }
                v.count(p + "produced.components", e.getComponentsCount(), 1, MAX_COMPONENTS);
                for (int i = 0; i < e.getComponentsCount(); i++) {
                    component(p + "produced.components[" + i + "]", e.getComponents(i), v);
                }
                v.requiredText(p + "produced.firmware_version", e.getFirmwareVersion(), 64);
                v.optionalText(p + "produced.ai_model_version", e.getAiModelVersion(), 64);
                v.optionalText(p + "produced.factory_test_report_uri", e.getFactoryTestReportUri(), 500);
                if (!e.getFactoryTestPassed()) {
                    v.add(p + "produced.factory_test_passed", "must be true: a unit that failed its factory test is not produced");
                }
            }
            case SOLD -> {
                v.requiredText(p + "sold.buyer_org_id", payload.getSold().getBuyerOrgId(), MAX_TEXT);
                v.optionalText(p + "sold.sale_reference", payload.getSold().getSaleReference(), MAX_TEXT);
            }
            case TRANSFER_INITIATED -> {
                v.requiredText(p + "transfer_initiated.to_org_id", payload.getTransferInitiated().getToOrgId(), MAX_TEXT);
                v.optionalText(p + "transfer_initiated.reason", payload.getTransferInitiated().getReason(), MAX_DESCRIPTION);
            }
            case TRANSFER_ACCEPTED -> v.optionalText(p + "transfer_accepted.from_org_id",
                    payload.getTransferAccepted().getFromOrgId(), MAX_TEXT);
            case LEASED -> {
                v.requiredText(p + "leased.lessee_org_id", payload.getLeased().getLesseeOrgId(), MAX_TEXT);
                if (!payload.getLeased().hasUntil()) {
                    v.add(p + "leased.until", "is required");
                }
            }
            case DEPLOYED -> {
                var e = payload.getDeployed();
                v.requiredText(p + "deployed.site", e.getSite(), MAX_TEXT);
                v.requiredText(p + "deployed.scenario", e.getScenario(), MAX_TEXT);
                v.optionalText(p + "deployed.operator_org_id", e.getOperatorOrgId(), MAX_TEXT);
                if (!e.hasPublicContact() || (e.getPublicContact().getEmail().isBlank() && e.getPublicContact().getPhone().isBlank())) {
                    v.add(p + "deployed.public_contact", "is required with an email or a phone (shown to the public)");
                }
                if (!e.hasEmergencyContact() || e.getEmergencyContact().getPhone().isBlank()) {
                    v.add(p + "deployed.emergency_contact", "is required with a phone number");
                }
            }
            case TELEMETRY_SUMMARY -> {
                var e = payload.getTelemetrySummary();
                v.between(p + "telemetry_summary.battery_health_pct", e.getBatteryHealthPct(), 0, 100, "%");
                v.between(p + "telemetry_summary.joint_wear_pct", e.getJointWearPct(), 0, 100, "%");
                v.between(p + "telemetry_summary.operational_accuracy_pct", e.getOperationalAccuracyPct(), 0, 100, "%");
                v.between(p + "telemetry_summary.cycle_count", e.getCycleCount(), 0, Long.MAX_VALUE);
            }
            case MAINTENANCE_PERFORMED -> v.requiredText(p + "maintenance_performed.description",
                    payload.getMaintenancePerformed().getDescription(), MAX_DESCRIPTION);
            case COMPONENT_REPLACED -> {
                var e = payload.getComponentReplaced();
                if (!e.hasOldPart()) {
                    v.add(p + "component_replaced.old_part", "is required");
                } else {
                    component(p + "component_replaced.old_part", e.getOldPart(), v);
                }
                if (!e.hasNewPart()) {
                    v.add(p + "component_replaced.new_part", "is required");
                } else {
                    component(p + "component_replaced.new_part", e.getNewPart(), v);
                }
                v.optionalText(p + "component_replaced.reason", e.getReason(), MAX_DESCRIPTION);
            }
            case SOFTWARE_UPDATED -> {
                var e = payload.getSoftwareUpdated();
                v.optionalText(p + "software_updated.firmware_version", e.getFirmwareVersion(), 64);
                v.optionalText(p + "software_updated.ai_model_version", e.getAiModelVersion(), 64);
                if (e.getFirmwareVersion().isBlank() && e.getAiModelVersion().isBlank()) {
                    v.add(p + "software_updated", "needs a firmware_version or an ai_model_version");
                }
                if (!SHA256.matcher(e.getPackageSha256()).matches()) {
                    v.add(p + "software_updated.package_sha256", "must be 64 lower-case hex characters");
                }
            }
            case INCIDENT_REPORTED -> {
                var e = payload.getIncidentReported();
                if (e.getSeverity() == IncidentSeverity.INCIDENT_SEVERITY_UNSPECIFIED
                        || e.getSeverity() == IncidentSeverity.UNRECOGNIZED) {
                    v.add(p + "incident_reported.severity", "is required");
                }
                if (e.getCategory() == IncidentCategory.INCIDENT_CATEGORY_UNSPECIFIED
                        || e.getCategory() == IncidentCategory.UNRECOGNIZED) {
                    v.add(p + "incident_reported.category", "is required");
                }
                v.requiredText(p + "incident_reported.place", e.getPlace(), MAX_TEXT);
                v.requiredText(p + "incident_reported.description", e.getDescription(), MAX_DESCRIPTION);
                v.optionalText(p + "incident_reported.reference", e.getReference(), 64);
                v.optionalText(p + "incident_reported.reporter_contact", e.getReporterContact(), 200);
                if (!e.getPublicReport() && !(e.getReference().isEmpty() && e.getReporterContact().isEmpty())) {
                    v.add(p + "incident_reported.reference", "reference and reporter_contact belong to public reports only");
                }
            }
            case RECALL_NOTIFIED -> {
                v.requiredText(p + "recall_notified.campaign_id", payload.getRecallNotified().getCampaignId(), MAX_TEXT);
                RecallSeverity severity = payload.getRecallNotified().getSeverity();
                if (severity == RecallSeverity.RECALL_SEVERITY_UNSPECIFIED || severity == RecallSeverity.UNRECOGNIZED) {
                    v.add(p + "recall_notified.severity", "is required (ADVISORY or STOP_USE)");
                }
            }
            case RECALL_REMEDIED -> {
                v.requiredText(p + "recall_remedied.campaign_id", payload.getRecallRemedied().getCampaignId(), MAX_TEXT);
                v.requiredText(p + "recall_remedied.remedy", payload.getRecallRemedied().getRemedy(), MAX_DESCRIPTION);
            }
            case SUSPENDED -> v.requiredText(p + "suspended.reason", payload.getSuspended().getReason(), MAX_DESCRIPTION);
            case REINSTATED -> v.requiredText(p + "reinstated.reason", payload.getReinstated().getReason(), MAX_DESCRIPTION);
            case DECOMMISSIONED -> {
                var e = payload.getDecommissioned();
                if (!e.hasDataWipe()) {
                    v.add(p + "decommissioned.data_wipe", "is required: a data-wipe attestation");
                } else {
                    v.requiredText(p + "decommissioned.data_wipe.method", e.getDataWipe().getMethod(), MAX_TEXT);
                    v.requiredText(p + "decommissioned.data_wipe.performed_by", e.getDataWipe().getPerformedBy(), MAX_TEXT);
                    if (!e.getDataWipe().hasPerformedAt()) {
                        v.add(p + "decommissioned.data_wipe.performed_at", "is required");
                    }
                    if (!SHA256.matcher(e.getDataWipe().getCertificateSha256()).matches()) {
                        v.add(p + "decommissioned.data_wipe.certificate_sha256", "must be 64 lower-case hex characters");
                    }
                }
            }
            case SCRAPPED -> v.requiredText(p + "scrapped.facility", payload.getScrapped().getFacility(), MAX_TEXT);
            case RECYCLED -> {
                v.requiredText(p + "recycled.facility", payload.getRecycled().getFacility(), MAX_TEXT);
                v.between(p + "recycled.recovered_mass_kg", payload.getRecycled().getRecoveredMassKg(), 0, 1000, "kg");
            }
        }
    }

    private static void component(String field, Component c, Violations v) {
        v.requiredText(field + ".part_number", c.getPartNumber(), 64);
        v.requiredText(field + ".lot", c.getLot(), 64);
        v.requiredText(field + ".serial", c.getSerial(), 64);
        v.optionalText(field + ".description", c.getDescription(), MAX_TEXT);
        if (c.getCategory() == io.robotid.proto.lifecycle.v1.ComponentCategory.UNRECOGNIZED) {
            v.add(field + ".category", "must be a ComponentCategory (or unset)");
        }
    }
}
