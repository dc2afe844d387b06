package io.robotid.filing.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.robotid.filing.domain.Capabilities;
import io.robotid.filing.domain.FilingStatus;
import io.robotid.filing.domain.IntelligenceLevel;
import io.robotid.filing.domain.ModelFiling;
import io.robotid.filing.domain.ModelRevision;
import io.robotid.filing.domain.RevisionState;
import io.robotid.filing.domain.FilingSeals;
import io.robotid.filing.repository.FilingRecordRepository;
import io.robotid.filing.repository.ManufacturerRepository;
import io.robotid.filing.repository.ModelFilingRepository;
import io.robotid.filing.repository.ModelRevisionRepository;
import io.robotid.filing.service.ManufacturerService.Page;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.filing.v1.CapabilityProfile;
import io.robotid.proto.filing.v1.ModelSpecification;
import io.smallrye.mutiny.Uni;

/**
 * Product model filings: submission, review, amendment into numbered revisions, withdrawal, and
 * reads that respect who may see filings that were never accepted (their manufacturer,
 * regulators and auditors only; to everyone else they do not exist).
 */
@ApplicationScoped
public class ModelFilingService {
    public static final int MAX_REASON = 2000;

    /** A filing with the revision in effect. */
    public record FilingView(ModelFiling filing, ModelRevision current) {
    }

    /** What an amendment made: the filing as it now stands and the new revision. */
    public record Amendment(FilingView filing, ModelRevision revision) {
    }

    public enum Decision { ACCEPT, REJECT }

    private final ManufacturerRepository manufacturers;
    private final ModelFilingRepository filings;
    private final ModelRevisionRepository revisions;
    private final FilingRecordRepository records;

    public ModelFilingService(ManufacturerRepository manufacturers, ModelFilingRepository filings,
            ModelRevisionRepository revisions, FilingRecordRepository records) {
        this.records = records;
        this.manufacturers = manufacturers;
        this.filings = filings;
        this.revisions = revisions;
    }

    /** The level the capability flags give (DESIGN.md section 4). */
    public static IntelligenceLevel levelOf(CapabilityProfile p) {
        return IntelligenceLevel.derive(new Capabilities(p.getAutonomousLocomotion(), p.getObjectManipulation(),
                p.getIntendedPhysicalContact(), p.getAutonomousTaskDecisions(), p.getLearningInDeployment(),
                p.getCloudModelDependence(), p.getOfflineOperation(), p.getNaturalLanguageInteraction()));
    }

    @WithTransaction
    public Uni<FilingView> submit(WriteContext context, String manufacturerCode, ModelSpecification specification,
            boolean hasSpecification) {
        Violations v = new Violations();
        String code = v.registryCode("manufacturer_code", manufacturerCode, RegistryCodes.MANUFACTURER_LENGTH);
        requireSpecification(specification, hasSpecification, v);
        v.throwIfAny();
        context.caller().requireManufacturer(code);

        return manufacturers.findById(code)
                .onItem().ifNull().failWith(() -> DomainException.notFound("manufacturer", code))
                .chain(m -> {
                    ModelFiling filing = new ModelFiling();
                    filing.id = UUID.randomUUID();
                    filing.manufacturerCode = code;
                    filing.status = FilingStatus.PENDING_REVIEW;
                    filing.latestRevision = 1;
                    filing.pendingRevision = 1;
                    filing.submitted = context.stamp();
                    filing.lastChanged = context.stamp();
                    ModelRevision revision = newRevision(context, filing.id, 1, "", specification);
                    filing.putInEffect(1, specification.getName().trim(), specification.getFamily().trim(),
                            revision.intelligenceLevel);
                    return filings.persist(filing)
                            .chain(() -> revisions.persist(revision))
                            .call(() -> records.add(FilingSeals.of(revision, code)))
                            .map(r -> new FilingView(filing, r));
                });
    }

    @WithTransaction
    public Uni<FilingView> review(WriteContext context, String filingId, int revisionNumber, Decision decision,
            String reason) {
        context.caller().requireAnyRole(Role.REGULATOR);
        Violations v = new Violations();
        UUID id = filingId("filing_id", filingId, v);
        if (revisionNumber < 1) {
            v.add("revision", "must be the number of the revision awaiting review (1 or more)");
        }
        if (decision == null) {
            v.add("decision", "is required (REVIEW_DECISION_ACCEPT or REVIEW_DECISION_REJECT)");
        }
        String why = decision == Decision.REJECT ? v.requiredText("reason", reason, MAX_REASON)
                : v.optionalText("reason", reason, MAX_REASON);
        v.throwIfAny();

        return lockFiling(id).chain(filing -> {
            if (filing.status == FilingStatus.WITHDRAWN) {
                throw wrongState(filing, "MODEL_WITHDRAWN", "the model is withdrawn; nothing can be reviewed");
            }
            if (filing.pendingRevision == 0) {
                throw wrongState(filing, "NOT_AWAITING_REVIEW",
                        "no revision of this filing awaits review (status " + filing.status + ")");
            }
            if (filing.pendingRevision != revisionNumber) {
                throw DomainException.failedPrecondition("REVISION_NOT_PENDING", "revision " + revisionNumber
                        + " does not await review; revision " + filing.pendingRevision + " does",
                        Map.of("pending_revision", Integer.toString(filing.pendingRevision)));
            }
            return revisions.find(id, revisionNumber).chain(revision -> {
                revision.state = decision == Decision.ACCEPT ? RevisionState.ACCEPTED : RevisionState.REJECTED;
                revision.reviewReason = why;
                revision.reviewed = context.stamp();
                filing.pendingRevision = 0;
                filing.lastChanged = context.stamp();
                if (decision == Decision.REJECT) {
                    if (!filing.wasAccepted()) {
                        filing.status = FilingStatus.REJECTED;
                        filing.statusReason = why;
                    }
                    return records.add(FilingSeals.review(revision, filing.manufacturerCode, filing.modelCode))
                            .chain(() -> currentRevision(filing)).map(current -> new FilingView(filing, current));
                }
                ModelSpecification spec = SpecificationJson.read(revision.specificationJson);
                filing.putInEffect(revision.revision, spec.getName().trim(), spec.getFamily().trim(),
                        revision.intelligenceLevel);
                filing.status = FilingStatus.ACCEPTED;
                filing.statusReason = "";
                Uni<ModelFiling> coded = filing.wasAccepted() ? Uni.createFrom().item(filing)
                        : filings.nextModelCodeNumber().map(n -> {
                            filing.modelCode = RegistryCodes.encode(n, RegistryCodes.MODEL_LENGTH);
                            return filing;
                        });
                return coded.call(f -> records.add(FilingSeals.review(revision, f.manufacturerCode, f.modelCode)))
                        .map(f -> new FilingView(f, revision));
            });
        });
    }

    @WithTransaction
    public Uni<Amendment> amend(WriteContext context, String filingId, String reason,
            ModelSpecification specification, boolean hasSpecification) {
        Violations v = new Violations();
        UUID id = filingId("filing_id", filingId, v);
        String why = v.requiredText("reason", reason, MAX_REASON);
        requireSpecification(specification, hasSpecification, v);
        v.throwIfAny();

        return lockFiling(id).chain(filing -> {
            context.caller().requireManufacturer(filing.manufacturerCode);
            if (filing.status == FilingStatus.WITHDRAWN) {
                throw wrongState(filing, "MODEL_WITHDRAWN", "a withdrawn model cannot be amended");
            }
            return supersedePending(filing).chain(() -> {
                int number = filing.latestRevision + 1;
                ModelRevision revision = newRevision(context, id, number, why, specification);
                filing.latestRevision = number;
                filing.pendingRevision = number;
                filing.lastChanged = context.stamp();
                if (!filing.wasAccepted()) {
                    // Never accepted: the amendment resubmits the filing and is what it shows.
                    filing.status = FilingStatus.PENDING_REVIEW;
                    filing.statusReason = "";
                    filing.putInEffect(number, specification.getName().trim(), specification.getFamily().trim(),
                            revision.intelligenceLevel);
                }
                return revisions.persist(revision)
                        .call(() -> records.add(FilingSeals.of(revision, filing.manufacturerCode)))
                        .chain(r -> filing.wasAccepted() ? currentRevision(filing) : Uni.createFrom().item(r))
                        .map(current -> new Amendment(new FilingView(filing, current), revision));
            });
        });
    }

    @WithTransaction
    public Uni<FilingView> withdraw(WriteContext context, String filingId, String reason) {
        Violations v = new Violations();
        UUID id = filingId("filing_id", filingId, v);
        String why = v.requiredText("reason", reason, MAX_REASON);
        v.throwIfAny();

        return lockFiling(id).chain(filing -> {
            CallerIdentity caller = context.caller();
            if (!caller.has(Role.REGULATOR)) {
                caller.requireManufacturer(filing.manufacturerCode);
            }
            if (filing.status == FilingStatus.WITHDRAWN) {
                throw wrongState(filing, "MODEL_WITHDRAWN", "the model is withdrawn already");
            }
            return supersedePending(filing).chain(() -> {
                filing.status = FilingStatus.WITHDRAWN;
                filing.statusReason = why;
                filing.pendingRevision = 0;
                filing.lastChanged = context.stamp();
                return records.add(FilingSeals.withdrawal(filing))
                        .chain(() -> currentRevision(filing)).map(current -> new FilingView(filing, current));
            });
        });
    }

    @WithSession
    public Uni<FilingView> getByFilingId(CallerIdentity caller, String filingId) {
        Violations v = new Violations();
        UUID id = filingId("filing_id", filingId, v);
        v.throwIfAny();
        return filings.findById(id)
                .map(filing -> visibleOrNull(caller, filing))
                .onItem().ifNull().failWith(() -> DomainException.notFound("model_filing", id.toString()))
                .chain(filing -> currentRevision(filing).map(current -> new FilingView(filing, current)));
    }

    @WithSession
    public Uni<FilingView> getByModelCode(CallerIdentity caller, String modelCode) {
        Violations v = new Violations();
        String code = v.registryCode("model_code", modelCode, RegistryCodes.MODEL_LENGTH);
        v.throwIfAny();
        // A model code exists only once accepted, so every filing found here is visible.
        return filings.findByModelCode(code)
                .onItem().ifNull().failWith(() -> DomainException.notFound("model", code))
                .chain(filing -> currentRevision(filing).map(current -> new FilingView(filing, current)));
    }

    /** Filters for {@link #list}; empty strings and nulls mean any. */
    public record ListFilter(String manufacturerCode, FilingStatus status, String family, IntelligenceLevel level) {
    }

    @WithSession
    public Uni<Page<FilingView>> list(CallerIdentity caller, ListFilter filter, PageRequest page) {
        Violations v = new Violations();
        String manufacturer = filter.manufacturerCode() == null || filter.manufacturerCode().isBlank() ? ""
                : v.registryCode("manufacturer_code", filter.manufacturerCode(), RegistryCodes.MANUFACTURER_LENGTH);
        String family = v.optionalText("family", filter.family(), SpecificationValidator.MAX_FAMILY);
        Long before = v.gather(page::longCursor);
        v.throwIfAny();
        boolean everything = caller.hasAny(Role.REGULATOR, Role.AUDITOR);
        String own = caller.has(Role.MANUFACTURER) ? caller.manufacturerCode().orElse(null) : null;
        ModelFilingRepository.Filter query = new ModelFilingRepository.Filter(manufacturer, filter.status(), family,
                filter.level(), own == null ? null : RegistryCodes.normalize(own), everything);
        return filings.page(query, before, page.fetchSize()).chain(rows -> {
            boolean more = rows.size() > page.size();
            List<ModelFiling> items = more ? rows.subList(0, page.size()) : rows;
            String next = more ? Long.toString(items.get(items.size() - 1).seq) : null;
            if (items.isEmpty()) {
                return Uni.createFrom().item(new Page<FilingView>(List.of(), null));
            }
            List<UUID> ids = items.stream().map(f -> f.id).toList();
            return revisions.list("filingId in ?1", ids).map(all -> {
                Map<String, ModelRevision> byKey = all.stream()
                        .collect(Collectors.toMap(r -> r.filingId + "/" + r.revision, Function.identity()));
                List<FilingView> views = items.stream()
                        .map(f -> new FilingView(f, byKey.get(f.id + "/" + f.currentRevision)))
                        .toList();
                return new Page<>(views, next);
            });
        });
    }

    /** Every revision, oldest first; callers who may not see unaccepted content get accepted ones only. */
    @WithSession
    public Uni<List<ModelRevision>> history(CallerIdentity caller, String filingId) {
        Violations v = new Violations();
        UUID id = filingId("filing_id", filingId, v);
        v.throwIfAny();
        return filings.findById(id)
                .map(filing -> visibleOrNull(caller, filing))
                .onItem().ifNull().failWith(() -> DomainException.notFound("model_filing", id.toString()))
                .chain(filing -> revisions.history(id).map(all -> mayCommentOnContent(caller, filing) ? all
                        : all.stream().filter(r -> r.state == RevisionState.ACCEPTED).toList()));
    }

    /** Marks the revision awaiting review, if any, as replaced. */
    private Uni<Void> supersedePending(ModelFiling filing) {
        if (filing.pendingRevision == 0) {
            return Uni.createFrom().voidItem();
        }
        return revisions.find(filing.id, filing.pendingRevision)
                .invoke(pending -> pending.state = RevisionState.SUPERSEDED)
                .replaceWithVoid();
    }

    private Uni<ModelFiling> lockFiling(UUID id) {
        return filings.findForUpdate(id)
                .onItem().ifNull().failWith(() -> DomainException.notFound("model_filing", id.toString()));
    }

    private Uni<ModelRevision> currentRevision(ModelFiling filing) {
        return revisions.find(filing.id, filing.currentRevision);
    }

    private static ModelFiling visibleOrNull(CallerIdentity caller, ModelFiling filing) {
        if (filing == null) {
            return null;
        }
        return filing.wasAccepted() || mayCommentOnContent(caller, filing) ? filing : null;
    }

    /** Regulators, auditors and the filing's own manufacturer see pending and rejected content. */
    private static boolean mayCommentOnContent(CallerIdentity caller, ModelFiling filing) {
        return caller.hasAny(Role.REGULATOR, Role.AUDITOR) || caller.actsForManufacturer(filing.manufacturerCode);
    }

    private static ModelRevision newRevision(WriteContext context, UUID filingId, int number, String reason,
            ModelSpecification specification) {
        ModelRevision revision = new ModelRevision();
        revision.filingId = filingId;
        revision.revision = number;
        revision.reason = reason;
        revision.specificationJson = SpecificationJson.write(specification);
        revision.intelligenceLevel = levelOf(specification.getCapabilities());
        revision.state = RevisionState.PENDING_REVIEW;
        revision.submitted = context.stamp();
        return revision;
    }

    private static void requireSpecification(ModelSpecification specification, boolean present, Violations v) {
        if (!present) {
            v.add("specification", "is required");
        } else {
            SpecificationValidator.validate(specification, "specification", v);
        }
    }

    private static UUID filingId(String field, String value, Violations v) {
        if (value == null || value.isBlank()) {
            v.add(field, "is required");
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            v.add(field, "must be the UUID the registry returned on submission");
            return null;
        }
    }

    private static DomainException wrongState(ModelFiling filing, String reason, String message) {
        return DomainException.failedPrecondition(reason, message, Map.of("status", filing.status.name(),
                "filing_id", filing.id.toString()));
    }
}
