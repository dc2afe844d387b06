package io.robotid.lifecycle.domain;

import io.robotid.proto.lifecycle.v1.Component;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.RobotState;

/**
 * A robot's custody and configuration, folded from its events one at a time; the same fold gives
 * the state now (applied on every append) and at any past instant (GetRobotAt).
 */
public final class RobotProjection {
    private RobotProjection() {
    }

    /** The state after every event that occurred at or before {@code atMillis}, in chain order. */
    public static RobotState at(String robotId, Iterable<LifecycleEvent> chain, long atMillis,
            MaintenanceThresholds thresholds) {
        RobotState state = RobotState.newBuilder().setRobotId(robotId)
                .setStatus(io.robotid.proto.lifecycle.v1.RobotStatus.ROBOT_STATUS_REGISTERED).build();
        for (LifecycleEvent event : chain) {
            long occurred = event.getOccurredAt().getSeconds() * 1000 + event.getOccurredAt().getNanos() / 1_000_000;
            if (occurred <= atMillis) {
                state = apply(state, event, thresholds);
            }
        }
        return state;
    }

    public static RobotState apply(RobotState state, LifecycleEvent event, MaintenanceThresholds thresholds) {
        RobotState.Builder next = state.toBuilder().setStatus(event.getStatusAfter()).setLastSequence(event.getSequence());
        EventPayload payload = event.getPayload();
        switch (payload.getKindCase()) {
            case PRODUCED -> next.clearComponents().addAllComponents(payload.getProduced().getComponentsList())
                    .setFirmwareVersion(payload.getProduced().getFirmwareVersion())
                    .setAiModelVersion(payload.getProduced().getAiModelVersion());
            case SOLD -> next.setOwnerOrgId(payload.getSold().getBuyerOrgId()).clearOperatorOrgId()
                    .clearPendingTransferTo().clearPublicContact().clearEmergencyContact().clearDeploymentSite();
            case TRANSFER_INITIATED -> next.setPendingTransferTo(payload.getTransferInitiated().getToOrgId());
            case TRANSFER_ACCEPTED -> next.setOwnerOrgId(state.getPendingTransferTo()).clearPendingTransferTo()
                    .clearOperatorOrgId().clearPublicContact().clearEmergencyContact().clearDeploymentSite();
            case LEASED -> next.setOperatorOrgId(payload.getLeased().getLesseeOrgId());
            case DEPLOYED -> next.setOperatorOrgId(payload.getDeployed().getOperatorOrgId().isEmpty()
                    ? state.getOwnerOrgId() : payload.getDeployed().getOperatorOrgId())
                    .setPublicContact(payload.getDeployed().getPublicContact())
                    .setEmergencyContact(payload.getDeployed().getEmergencyContact())
                    .setDeploymentSite(payload.getDeployed().getSite());
            case INCIDENT_REPORTED -> {
                if (payload.getIncidentReported().getPublicReport()) {
                    next.setUntriagedPublicReports(state.getUntriagedPublicReports() + 1);
                }
            }
            case MAINTENANCE_PERFORMED -> next.setLastMaintenanceAt(event.getOccurredAt()).setMaintenanceDue(false);
            case TELEMETRY_SUMMARY -> {
                if (thresholds.crossedBy(payload.getTelemetrySummary().getBatteryHealthPct(),
                        payload.getTelemetrySummary().getJointWearPct())) {
                    next.setMaintenanceDue(true);
                }
            }
            case COMPONENT_REPLACED -> {
                Component old = payload.getComponentReplaced().getOldPart();
                next.clearComponents();
                state.getComponentsList().stream()
                        .filter(c -> !(c.getPartNumber().equals(old.getPartNumber()) && c.getSerial().equals(old.getSerial())))
                        .forEach(next::addComponents);
                next.addComponents(payload.getComponentReplaced().getNewPart());
            }
            case SOFTWARE_UPDATED -> {
                if (!payload.getSoftwareUpdated().getFirmwareVersion().isBlank()) {
                    next.setFirmwareVersion(payload.getSoftwareUpdated().getFirmwareVersion());
                }
                if (!payload.getSoftwareUpdated().getAiModelVersion().isBlank()) {
                    next.setAiModelVersion(payload.getSoftwareUpdated().getAiModelVersion());
                }
            }
            case RECALL_NOTIFIED -> {
                String campaign = payload.getRecallNotified().getCampaignId();
                if (!state.getOpenRecallsList().contains(campaign)) {
                    next.addOpenRecalls(campaign);
                }
                if (payload.getRecallNotified().getSeverity() == RecallSeverity.RECALL_SEVERITY_STOP_USE
                        && !state.getOpenStopUseRecallsList().contains(campaign)) {
                    next.addOpenStopUseRecalls(campaign);
                }
            }
            case RECALL_REMEDIED -> {
                String campaign = payload.getRecallRemedied().getCampaignId();
                next.clearOpenStopUseRecalls();
                state.getOpenStopUseRecallsList().stream().filter(c -> !c.equals(campaign))
                        .forEach(next::addOpenStopUseRecalls);
                next.clearOpenRecalls();
                state.getOpenRecallsList().stream().filter(c -> !c.equals(campaign)).forEach(next::addOpenRecalls);
            }
            default -> {
            }
        }
        return next.build();
    }
}
