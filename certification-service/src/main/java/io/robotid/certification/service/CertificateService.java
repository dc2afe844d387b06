package io.robotid.certification.service;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.robotid.certification.domain.CertificateAction;
import io.robotid.certification.domain.CertificateAction.Action;
import io.robotid.certification.domain.CertificateChain;
import io.robotid.certification.domain.CertificateQuery;
import io.robotid.certification.domain.CertificateRecord;
import io.robotid.certification.domain.CertificateState;
import io.robotid.certification.domain.CertificationSeals;
import io.robotid.certification.domain.Page;
import io.robotid.certification.domain.Subject;
import io.robotid.certification.domain.Tier;
import io.robotid.certification.repository.CertificateActionRepository;
import io.robotid.certification.repository.CertificateRepository;
import io.robotid.certification.repository.FeedRepository;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.ChangeKind;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.robotid.certification.domain.LogKeys;
import io.robotid.kit.tlog.TransparencyLog;
import io.smallrye.mutiny.Uni;

/**
 * Certificates: read by anyone authenticated; suspended, reinstated and revoked, with a reason, by
 * the body that issued them or a regulator. A regulator's suspension is lifted only by a regulator.
 * A certificate is answered as the {@link Certificate} message (as of the answer's instant): the message the
 * feed entries carry and seal (EVIDENCE.md section 6.6), not a request or response.
 */
@ApplicationScoped
public class CertificateService {
    public static final int MAX_REASON = 2000;

    private final CertificateRepository certificates;
    private final CertificateActionRepository actions;
    private final FeedRepository feed;
    private final Clock clock;

    private final TransparencyLog log;

    public CertificateService(CertificateRepository certificates, CertificateActionRepository actions,
            FeedRepository feed, Clock clock, TransparencyLog log) {
        this.log = log;
        this.certificates = certificates;
        this.actions = actions;
        this.feed = feed;
        this.clock = clock;
    }

    @WithSession
    public Uni<Certificate> get(String certificateId) {
        UUID id = TestResultService.uuid("certificate_id", certificateId);
        return certificates.findById(id)
                .onItem().ifNull().failWith(() -> DomainException.notFound("certificate", id.toString()))
                .map(c -> CertificationProtos.certificate(c, clock.instant()));
    }

    /** A page of certificates, oldest first, each shown as of the answer. */
    @WithSession
    public Uni<Page<Certificate>> list(CertificateQuery query) {
        Violations v = new Violations();
        String subject = null;
        if (!query.subject().isBlank()) {
            Subject parsed = Subject.parse("subject", query.subject(), v);
            subject = parsed == null ? null : parsed.canonical();
        }
        Tier tier = null;
        if (query.tier() != io.robotid.proto.certification.v1.Tier.TIER_UNSPECIFIED) {
            tier = Tier.of(query.tier());
            if (tier == null) {
                v.add("tier", "must be a tier such as TIER_BASE_SAFETY, or unset");
            }
        }
        String body = null;
        if (!query.bodyId().isBlank()) {
            body = BodyService.bodyId("body_id", query.bodyId(), v);
        }
        CertificateState state = null;
        if (query.state() != io.robotid.proto.certification.v1.CertificateState.CERTIFICATE_STATE_UNSPECIFIED) {
            state = CertificateState.of(query.state());
            if (state == null) {
                v.add("state", "must be CERTIFICATE_STATE_ACTIVE, _SUSPENDED or _REVOKED, or unset");
            }
        }
        v.throwIfAny();
        String filters = "subject=" + subject + "|tier=" + tier + "|body=" + body + "|state=" + state;
        PageRequest page = PageRequest.of(query.pageSize(), query.pageToken(), filters);
        long after = page.isFirst() ? 0 : page.longCursor();
        return certificates.page(new CertificateRepository.Filter(subject, tier, body, state), after, page.fetchSize())
                .map(rows -> {
                    boolean more = rows.size() > page.size();
                    List<CertificateRecord> items = more ? rows.subList(0, page.size()) : rows;
                    var now = clock.instant();
                    return new Page<>(items.stream().map(c -> CertificationProtos.certificate(c, now)).toList(),
                            more ? PageRequest.tokenAfter(Long.toString(items.get(items.size() - 1).seq), filters) : null);
                });
    }

    /** Suspends, reinstates or revokes; the transition, the caller's right and the reason are checked. */
    @WithTransaction
    public Uni<Certificate> change(WriteContext context, Action action, String certificateId, String reasonText) {
        CallerIdentity caller = context.caller();
        caller.requireAnyRole(Role.REGULATOR, Role.CERTIFICATION_BODY);
        Violations v = new Violations();
        UUID id = null;
        try {
            id = TestResultService.uuid("certificate_id", certificateId);
        } catch (DomainException e) {
            e.violations().forEach(f -> v.add(f.field(), f.description()));
        }
        String reason = v.requiredText("reason", reasonText, MAX_REASON);
        v.throwIfAny();
        UUID certificate = id;
        return certificates.findForUpdate(certificate)
                .onItem().ifNull().failWith(() -> DomainException.notFound("certificate", certificate.toString()))
                .chain(c -> {
                    requireIssuerOrRegulator(caller, c);
                    CertificateState next = next(c, action, caller);
                    if (c.headHash == null) {
                        throw EvidenceMigration.notYetSealed("certificate");
                    }
                    CertificateAction row = new CertificateAction();
                    row.certificateId = c.id;
                    row.action = action;
                    row.stateAfter = next;
                    row.reason = reason;
                    row.stamp = context.stamp();
                    String suspendedBy = CertificateChain.suspendedByRoleAfter(next.name(), row.stamp.role,
                            c.suspendedByRole);
                    // the next link of the certificate's chain; the row keeps its head and the fold
                    CertificationSeals.seal(row, c.headHash, suspendedBy);
                    c.headHash = row.recordHash;
                    c.state = next;
                    c.stateReason = reason;
                    c.suspendedByRole = suspendedBy;
                    c.lastChanged = context.stamp();
                    Certificate changed = CertificationProtos.certificate(c, context.at());
                    return actions.persist(row)
                            .call(() -> log.appendInSession(LogKeys.leaf(row)))
                            .chain(() -> Panache.getSession().chain(session -> feed.append(session,
                                    WatchCertificationChangesResponse.newBuilder()
                                            .setChangedAt(CertificationProtos.timestamp(context.at()))
                                            .setKind(kind(action)).setCertificate(changed).build())))
                            .replaceWith(changed);
                });
    }

    private static void requireIssuerOrRegulator(CallerIdentity caller, CertificateRecord c) {
        if (caller.has(Role.REGULATOR)) {
            return;
        }
        String body = BodyService.callersBody(caller);
        if (!body.equals(c.bodyId)) {
            throw DomainException.permissionDenied("NOT_ISSUING_BODY", "certificate " + c.id + " was issued by "
                    + c.bodyId + "; only that body or a regulator may suspend, reinstate or revoke it (caller: " + body + ")");
        }
    }

    private static CertificateState next(CertificateRecord c, Action action, CallerIdentity caller) {
        Map<String, String> metadata = Map.of("certificate_id", c.id.toString(), "state", c.state.name());
        return switch (action) {
            case SUSPEND -> {
                if (c.state != CertificateState.ACTIVE) {
                    throw DomainException.failedPrecondition("CERTIFICATE_NOT_ACTIVE", "certificate " + c.id + " is "
                            + c.state + "; only an ACTIVE certificate can be suspended", metadata);
                }
                yield CertificateState.SUSPENDED;
            }
            case REINSTATE -> {
                if (c.state != CertificateState.SUSPENDED) {
                    throw DomainException.failedPrecondition("CERTIFICATE_NOT_SUSPENDED", "certificate " + c.id + " is "
                            + c.state + "; only a SUSPENDED certificate can be reinstated", metadata);
                }
                if (Role.REGULATOR.name().equals(c.suspendedByRole) && !caller.has(Role.REGULATOR)) {
                    throw DomainException.permissionDenied("SUSPENDED_BY_REGULATOR", "certificate " + c.id
                            + " was suspended by a regulator; only a regulator may reinstate it");
                }
                yield CertificateState.ACTIVE;
            }
            case REVOKE -> {
                if (c.state == CertificateState.REVOKED) {
                    throw DomainException.failedPrecondition("CERTIFICATE_REVOKED", "certificate " + c.id
                            + " is revoked already (revocation is final)", metadata);
                }
                yield CertificateState.REVOKED;
            }
        };
    }

    private static ChangeKind kind(Action action) {
        return switch (action) {
            case SUSPEND -> ChangeKind.CHANGE_KIND_CERTIFICATE_SUSPENDED;
            case REINSTATE -> ChangeKind.CHANGE_KIND_CERTIFICATE_REINSTATED;
            case REVOKE -> ChangeKind.CHANGE_KIND_CERTIFICATE_REVOKED;
        };
    }
}
