package io.robotid.lifecycle.service;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;

import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.idempotency.IdempotentSqlWrites;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.robotid.kit.peers.FilingReads;
import io.robotid.lifecycle.repository.RecallRepository;
import io.robotid.lifecycle.repository.RobotRepository;
import io.robotid.proto.lifecycle.v1.EventPayload;
import io.robotid.proto.lifecycle.v1.RecallCampaign;
import io.robotid.proto.lifecycle.v1.RecallCriteria;
import io.robotid.proto.lifecycle.v1.RecallNotified;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.smallrye.mutiny.Multi;
import io.robotid.kit.tlog.TransparencyLog;
import io.robotid.lifecycle.domain.AffectedRobot;
import io.robotid.lifecycle.domain.LogKeys;
import io.robotid.lifecycle.domain.PostedEvent;
import io.robotid.lifecycle.domain.PostedRecall;
import io.smallrye.mutiny.Uni;

/**
 * Recall campaigns. Creating one checks the models with filing-service, finds the affected robots
 * from the records and stores the campaign (idempotent by request id, one transaction); then every
 * affected robot gets RECALL_NOTIFIED, each under a request id derived from campaign and robot, so
 * a retried creation finishes the notifications without duplicating any.
 */
@ApplicationScoped
public class RecallService {
    /** Robots read per query when listing a campaign's robots. */
    static final int CHUNK = 500;

    private final RobotRepository robots;
    private final RecallRepository recalls;
    private final FilingReads filing;
    private final LifecycleRecorder recorder;
    private final TransparencyLog log;

    public RecallService(RobotRepository robots, RecallRepository recalls, FilingReads filing,
            LifecycleRecorder recorder, TransparencyLog log) {
        this.robots = robots;
        this.recalls = recalls;
        this.filing = filing;
        this.recorder = recorder;
        this.log = log;
    }

    /**
     * Creates a campaign, once per request id, and notifies its robots. The request is the adapter's, as sent: read
     * through {@code recall} and hashed for retries, and the answer a retry gets back (the campaign's id) is made and
     * read by {@code recall} too; the notifications are recorded through {@code events}.
     */
    public <Q extends Message, R extends Message> Uni<RecallCampaign> create(WriteContext context, String bearerToken,
            Q request, RecallMessages<Q, R> recall, EventMessages<?, ?> events) {
        context.caller().requireAnyRole(Role.MANUFACTURER, Role.REGULATOR);
        PostedRecall posted = recall.read().apply(request);
        RecallCriteria criteria = validate(posted);
        List<Uni<Void>> checks = criteria.getModelCodesList().stream().map(code -> filing.model(bearerToken, code)
                .invoke(model -> {
                    if (!context.caller().has(Role.REGULATOR)
                            && !context.caller().actsForManufacturer(model.getManufacturerCode())) {
                        throw DomainException.permissionDenied("NOT_CALLERS_MANUFACTURER",
                                "a manufacturer may recall only its own models; " + code + " is not");
                    }
                }).replaceWithVoid()).toList();
        UUID campaignId = UUID.nameUUIDFromBytes(("recall:" + context.requestId()).getBytes(StandardCharsets.UTF_8));
        return Uni.join().all(checks).andFailFast()
                .chain(() -> robots.database().withTransaction(connection -> IdempotentSqlWrites.execute(connection,
                        context, request, recall.parser(),
                        () -> recalls.affected(connection, criteria).chain(affected -> recalls.insert(connection,
                                campaignId, context, posted.title().trim(), posted.description().trim(),
                                posted.severity(), criteria, affected))
                                .chain(hash -> log.append(connection, new TransparencyLog.Leaf(LogKeys.RECALL_CAMPAIGN,
                                        LogKeys.recallCampaign(campaignId.toString()), hash)))
                                .replaceWith(recall.answer().apply(RecallCampaign.newBuilder()
                                        .setCampaignId(campaignId.toString()).build())))))
                .chain(created -> get(recall.campaign().apply(created).getCampaignId()))
                .chain(campaign -> notifyAll(context, campaign, events))
                .chain(id -> get(id.toString()));
    }

    /**
     * RECALL_NOTIFIED for every affected robot, each idempotent (its request id is derived from the campaign
     * and the robot), recorded in the recorder's batches. A notification refused fails the call after the
     * others are recorded; a retry of the same request records what is missing.
     */
    private Uni<UUID> notifyAll(WriteContext context, RecallCampaign campaign, EventMessages<?, ?> events) {
        UUID campaignId = UUID.fromString(campaign.getCampaignId());
        RecallSeverity severity = campaign.getSeverity();
        // The campaign's own creation time, so that a retry posts the same notifications (hashed alike).
        Timestamp at = Timestamp.newBuilder().setSeconds(campaign.getCreated().getTime().getSeconds()).build();
        return recorder.recordAll(robotsOf(campaignId, "", Long.MAX_VALUE).map(robot -> {
                PostedEvent event = notification(campaignId, severity, at, robot.robotId());
                return new LifecycleRecorder.Command(new WriteContext(context.caller(),
                        UUID.fromString(event.requestId()), "RecordEvent", context.traceId(), context.at()), event);
            }), events)
                .filter(outcome -> !outcome.recorded())
                .collect().asList() // every notification is tried before a refusal is reported
                .map(refused -> {
                    if (!refused.isEmpty()) {
                        throw refused.get(0).refusal();
                    }
                    return campaignId;
                });
    }

    /**
     * The RECALL_NOTIFIED a campaign posts for one of its robots, under a request id derived from campaign and robot:
     * the same campaign always posts the same notification.
     */
    static PostedEvent notification(UUID campaignId, RecallSeverity severity, Timestamp at, String robotId) {
        return new PostedEvent(UUID.nameUUIDFromBytes((campaignId + "/" + robotId).getBytes(StandardCharsets.UTF_8))
                .toString(), robotId, at, EventPayload.newBuilder().setRecallNotified(RecallNotified.newBuilder()
                        .setCampaignId(campaignId.toString()).setSeverity(severity)).build(), 0);
    }

    public Uni<RecallCampaign> get(String campaignId) {
        UUID id = campaignId(campaignId);
        return recalls.find(id).map(found -> found.orElseThrow(() -> DomainException.notFound("recall_campaign",
                campaignId)));
    }

    /** A robot of a campaign's list, with the page token that lists the robots after it. */
    public record Listed(AffectedRobot robot, String nextPageToken) {
    }

    /**
     * The campaign's robots after the page token, in robot ID order: {@code pageSize} of them (1..500), or
     * all when 0. Read in keyset chunks of {@link #CHUNK} as the client takes them, so the first robot of a
     * campaign of any size comes after one short query, and memory stays bounded.
     */
    public Multi<Listed> affected(String campaignId, int pageSize, String pageToken) {
        UUID id = campaignId(campaignId);
        String filters = "campaign=" + id;
        PageRequest page = PageRequest.of(pageSize, pageToken, filters);
        return recalls.exists(id).onItem().transformToMulti(exists -> {
            if (!exists) {
                throw DomainException.notFound("recall_campaign", campaignId);
            }
            return robotsOf(id, page.isFirst() ? "" : page.cursor(), pageSize == 0 ? Long.MAX_VALUE : page.size())
                    .map(robot -> new Listed(robot, PageRequest.tokenAfter(robot.robotId(), filters)));
        });
    }

    /** Up to {@code limit} of the campaign's robots after a robot ID ("" for the first), read a chunk at a time. */
    private Multi<AffectedRobot> robotsOf(UUID id, String afterRobotId, long limit) {
        return Multi.createFrom().deferred(() -> { // the reading position belongs to one subscription
            AtomicReference<String> after = new AtomicReference<>(afterRobotId);
            AtomicLong left = new AtomicLong(limit);
            return Multi.createBy().repeating().uni(() -> {
                int chunk = (int) Math.min(CHUNK, left.get());
                return chunk == 0 ? Uni.createFrom().item(List.<AffectedRobot>of())
                        : recalls.robots(id, after.get(), chunk).invoke(robots -> {
                            left.addAndGet(-robots.size());
                            // a short chunk is the end: the next round asks for nothing
                            if (robots.size() < chunk) {
                                left.set(0);
                            } else {
                                after.set(robots.get(robots.size() - 1).robotId());
                            }
                        });
            }).until(List::isEmpty).onItem().transformToIterable(robots -> robots);
        });
    }

    private static UUID campaignId(String value) {
        try {
            return UUID.fromString(value == null ? "" : value.trim());
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidArgument("campaign_id", "must be the UUID CreateRecallCampaign returned");
        }
    }

    static RecallCriteria validate(PostedRecall posted) {
        Violations v = new Violations();
        v.requiredText("title", posted.title(), 200);
        v.requiredText("description", posted.description(), 4000);
        if (posted.severity() == RecallSeverity.RECALL_SEVERITY_UNSPECIFIED
                || posted.severity() == RecallSeverity.UNRECOGNIZED) {
            v.add("severity", "is required (RECALL_SEVERITY_ADVISORY or RECALL_SEVERITY_STOP_USE)");
        }
        RecallCriteria c = posted.criteria();
        RecallCriteria.Builder normalized = c.toBuilder().clearModelCodes();
        v.count("criteria.model_codes", c.getModelCodesCount(), 1, 100);
        for (int i = 0; i < c.getModelCodesCount(); i++) {
            normalized.addModelCodes(v.registryCode("criteria.model_codes[" + i + "]", c.getModelCodes(i),
                    RegistryCodes.MODEL_LENGTH));
        }
        v.count("criteria.firmware_versions", c.getFirmwareVersionsCount(), 0, 100);
        v.count("criteria.ai_model_versions", c.getAiModelVersionsCount(), 0, 100);
        v.count("criteria.lots", c.getLotsCount(), 0, 1000);
        if (c.getLotsCount() > 0 && c.getPartNumber().isBlank()) {
            v.add("criteria.lots", "needs criteria.part_number");
        }
        LocalDate from = date("criteria.produced_from", c.getProducedFrom(), v);
        LocalDate to = date("criteria.produced_to", c.getProducedTo(), v);
        if (from != null && to != null && to.isBefore(from)) {
            v.add("criteria.produced_to", "must not be before produced_from");
        }
        v.throwIfAny();
        return normalized.build();
    }

    private static LocalDate date(String field, String value, Violations v) {
        if (value.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            v.add(field, "must be an ISO date YYYY-MM-DD");
            return null;
        }
    }
}
