package io.robotid.lifecycle.service;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.peers.IssuedRobots;
import io.robotid.lifecycle.domain.RobotProjection;
import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.lifecycle.repository.RobotRepository;
import io.robotid.proto.lifecycle.v1.EventType;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.robotid.kit.feed.FeedPublisher;
import io.robotid.proto.lifecycle.v1.WatchStatusChangesResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/** Reads robots' states and chains, and verifies chains. */
@ApplicationScoped
public class LifecycleQueries {
    /** Events checked per database round trip while verifying. */
    private static final int VERIFY_PAGE = 1_000;

    public record EventPage(List<LifecycleEvent> events, String nextCursor, boolean custodyWithheld) {
    }

    private final RobotRepository robots;
    private final IssuedRobots identity;
    private final LifecycleRecorder recorder;

    public LifecycleQueries(RobotRepository robots, IssuedRobots identity, LifecycleRecorder recorder) {
        this.robots = robots;
        this.identity = identity;
        this.recorder = recorder;
    }

    /** The status feed after {@code fromSequence}, then its new entries as they commit (never ending). */
    public Multi<WatchStatusChangesResponse> statusChanges(long fromSequence) {
        return new FeedPublisher<>(robots::feedAfter, WatchStatusChangesResponse::getFeedSequence)
                .from(fromSequence, "from_sequence");
    }

    /** The state at a past instant: the chain folded up to it. */
    public Uni<RobotState> stateAt(CallerIdentity caller, String robotId, Instant at) {
        RobotId id = require(robotId);
        if (at == null) {
            throw DomainException.invalidArgument("at", "is required");
        }
        return identity.requireIssued(id).chain(() -> allEvents(id, 0, new java.util.ArrayList<>()))
                .map(chain -> RobotProjection.at(id.canonical(), chain, at.toEpochMilli(), recorder.thresholds()))
                .map(state -> mayKnowCustody(caller, id, state) ? state : withoutCustody(state));
    }

    private Uni<List<LifecycleEvent>> allEvents(RobotId id, long after, List<LifecycleEvent> into) {
        return robots.events(id, List.of(), null, null, after, VERIFY_PAGE).chain(page -> {
            into.addAll(page);
            return page.size() < VERIFY_PAGE ? Uni.createFrom().item(into)
                    : allEvents(id, page.get(page.size() - 1).getSequence(), into);
        });
    }

    /** What FindRobots asked for. */
    public record Find(String modelCode, RobotStatus status, String operatorOrgId, String firmwareVersion,
            String aiModelVersion, String partNumber, List<String> lots) {
    }

    public record RobotPage(List<RobotState> robots, String nextCursor) {
    }

    /**
     * Robots matching every criterion. Regulators and auditors search everything; a manufacturer
     * its own robots; an operator the robots it owns or operates; nobody else.
     */
    public Uni<RobotPage> find(CallerIdentity caller, Find f, PageRequest page) {
        Violations v = new Violations();
        String model = f.modelCode().isBlank() ? "" : v.registryCode("model_code", f.modelCode(), RegistryCodes.MODEL_LENGTH);
        String operator = v.optionalText("operator_org_id", f.operatorOrgId(), 200);
        String firmware = v.optionalText("firmware_version", f.firmwareVersion(), 64);
        String aiModel = v.optionalText("ai_model_version", f.aiModelVersion(), 64);
        String part = v.optionalText("part_number", f.partNumber(), 64);
        if (!f.lots().isEmpty() && part.isEmpty()) {
            v.add("lots", "needs part_number");
        }
        v.count("lots", f.lots().size(), 0, 1000);
        boolean any = !model.isEmpty() || f.status() != null || !operator.isEmpty() || !firmware.isEmpty()
                || !aiModel.isEmpty() || !part.isEmpty();
        if (!any) {
            v.add("model_code", "at least one criterion is required (model_code, status, operator_org_id,"
                    + " firmware_version, ai_model_version or part_number)");
        }
        v.throwIfAny();
        String manufacturer = "";
        String org = "";
        if (!caller.hasAny(Role.REGULATOR, Role.AUDITOR)) {
            if (caller.has(Role.MANUFACTURER) && caller.manufacturerCode().isPresent()) {
                manufacturer = RegistryCodes.normalize(caller.manufacturerCode().get());
            } else if (caller.has(Role.OPERATOR) && caller.orgId().isPresent()) {
                org = caller.orgId().get();
            } else {
                throw DomainException.permissionDenied("ROLE_NOT_ALLOWED",
                        "searching robots needs a regulator, auditor, manufacturer or operator token");
            }
        }
        RobotRepository.Criteria criteria = new RobotRepository.Criteria(model,
                f.status() == null ? "" : f.status().name(), operator, firmware, aiModel, part, f.lots(), manufacturer, org);
        return robots.find(criteria, page.cursor(), page.fetchSize()).map(rows -> {
            boolean more = rows.size() > page.size();
            List<RobotState> items = more ? rows.subList(0, page.size()) : rows;
            return new RobotPage(items, more ? items.get(items.size() - 1).getRobotId() : null);
        });
    }

    /** The state now; an issued ID with no event yet is REGISTERED. */
    public Uni<RobotState> state(CallerIdentity caller, String robotId) {
        RobotId id = require(robotId);
        return robots.state(id).chain(found -> found.isPresent() ? Uni.createFrom().item(found.get())
                : identity.requireIssued(id).replaceWith(RobotState.newBuilder().setRobotId(id.canonical())
                        .setStatus(RobotStatus.ROBOT_STATUS_REGISTERED).build()))
                .map(state -> mayKnowCustody(caller, id, state) ? state : withoutCustody(state));
    }

    /**
     * Who owns and operates a robot is commercial data (DESIGN.md section 5): only regulators,
     * auditors, the robot's manufacturer, its owner or operator, and the robot itself see it.
     */
    static boolean mayKnowCustody(CallerIdentity caller, RobotId id, RobotState state) {
        return caller.hasAny(Role.REGULATOR, Role.AUDITOR) || caller.actsForManufacturer(id.manufacturerCode())
                || (caller.has(Role.OPERATOR) && caller.orgId().map(org -> org.equals(state.getOwnerOrgId())
                        || org.equals(state.getOperatorOrgId()) || org.equals(state.getPendingTransferTo()))
                        .orElse(false))
                || (caller.has(Role.ROBOT) && caller.robotId().map(r -> RobotId.parse(r) instanceof RobotId.Valid v
                        && v.id().equals(id)).orElse(false));
    }

    private static RobotState withoutCustody(RobotState state) {
        return state.toBuilder().clearOwnerOrgId().clearOperatorOrgId().clearPendingTransferTo().build();
    }

    /** Events whose payload is commercial or health data, withheld from those who may not know custody. */
    private static final java.util.Set<EventType> CUSTODY_EVENTS = java.util.EnumSet.of(EventType.EVENT_TYPE_SOLD,
            EventType.EVENT_TYPE_TRANSFER_INITIATED, EventType.EVENT_TYPE_TRANSFER_ACCEPTED, EventType.EVENT_TYPE_LEASED,
            EventType.EVENT_TYPE_DEPLOYED, EventType.EVENT_TYPE_TELEMETRY_SUMMARY);

    public Uni<EventPage> events(CallerIdentity caller, String robotId, List<EventType> types, Instant from, Instant to,
            PageRequest page) {
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", robotId);
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i) == EventType.EVENT_TYPE_UNSPECIFIED || types.get(i) == EventType.UNRECOGNIZED) {
                v.add("types[" + i + "]", "must be an event type");
            }
        }
        if (from != null && to != null && !from.isBefore(to)) {
            v.add("to", "must be after from");
        }
        Long after = v.gather(page::longCursor);
        v.throwIfAny();
        long afterSequence = after == null ? 0 : after;
        return robots.state(id).chain(state -> {
            boolean full = state.isEmpty() || mayKnowCustody(caller, id, state.get());
            return robots.events(id, types.stream().map(Enum::name).toList(), from, to, afterSequence, page.fetchSize())
                    .map(rows -> {
                        boolean more = rows.size() > page.size();
                        List<LifecycleEvent> items = more ? rows.subList(0, page.size()) : rows;
                        String next = more ? Long.toString(items.get(items.size() - 1).getSequence()) : null;
                        return new EventPage(full ? items : items.stream().map(LifecycleQueries::withheld).toList(), next,
                                !full);
                    });
        });
    }

    /**
     * An event as a caller who may not know the robot's custody sees it: who recorded it is withheld
     * (with its salt), and so is the payload of custody and telemetry events and a public report's
     * reporter contact (with the payload bytes and salt, so they cannot be read from those). The sealed
     * bytes stay (their commitments reveal nothing), so the hash and the link still verify; a v1 event's
     * sealed bytes hold its payload in clear and are withheld with it.
     */
    private static LifecycleEvent withheld(LifecycleEvent event) {
        LifecycleEvent.Builder b = event.toBuilder();
        b.getRecordedBuilder().clearSubject().clearOrganisation();
        b.clearRecorderSalt();
        boolean custody = CUSTODY_EVENTS.contains(event.getType());
        boolean contact = event.getType() == EventType.EVENT_TYPE_INCIDENT_REPORTED
                && !event.getPayload().getIncidentReported().getReporterContact().isEmpty();
        if (custody) {
            b.clearPayload();
        }
        if (contact) {
            b.getPayloadBuilder().getIncidentReportedBuilder().clearReporterContact();
        }
        if (custody || contact) {
            b.clearPayloadBytes().clearPayloadSalt();
        }
        if (event.getSealVersion() == 1) {
            // the v1 preimage holds the recorder and the payload in clear
            b.clearSealed();
        }
        return b.build();
    }

    private static RobotId require(String robotId) {
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", robotId);
        v.throwIfAny();
        return id;
    }
}
