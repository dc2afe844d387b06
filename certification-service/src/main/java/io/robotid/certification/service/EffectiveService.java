package io.robotid.certification.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.robotid.kit.peers.FilingReads;
import io.robotid.kit.peers.IssuedRobots;
import io.robotid.certification.domain.CertificateRecord;
import io.robotid.certification.domain.EffectiveCertifications;
import io.robotid.certification.repository.CertificateActionRepository;
import io.robotid.certification.repository.CertificateRepository;
import io.robotid.certification.repository.RevalidationMarkRepository;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.filing.v1.IntelligenceLevel;
import io.smallrye.mutiny.Uni;

/**
 * A robot's effective certifications at an instant (EffectiveCertifications has the rules): the
 * robot must have been issued (identity-service); its model's intelligence level comes from
 * filing-service (the caller's token forwarded); certificates, state changes and re-validation
 * marks are read in one session.
 */
@ApplicationScoped
public class EffectiveService {
    private final IssuedRobots identity;
    private final FilingReads filing;
    private final EffectiveReads reads;
    private final Clock clock;

    public EffectiveService(IssuedRobots identity, FilingReads filing, EffectiveReads reads, Clock clock) {
        this.identity = identity;
        this.filing = filing;
        this.reads = reads;
        this.clock = clock;
    }

    /** @param at null for now */
    public Uni<EffectiveCertifications> effective(String bearerToken, String robotIdText, Instant at) {
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", robotIdText);
        v.throwIfAny();
        Instant instant = at == null ? clock.instant() : at;
        return identity.requireIssued(id, false)
                .chain(() -> filing.model(bearerToken, id.modelCode())
                        .map(model -> model.getCurrent().getIntelligenceLevel())
                        .onFailure(DomainException.class).recoverWithUni(failure -> {
                            DomainException e = (DomainException) failure;
                            return e.kind() == io.robotid.kit.error.ErrorKind.NOT_FOUND
                                    ? Uni.createFrom().item(IntelligenceLevel.INTELLIGENCE_LEVEL_UNSPECIFIED)
                                    : Uni.createFrom().failure(e);
                        }))
                .chain(level -> reads.load(id).map(loaded -> EffectiveCertifications.compute(id.canonical(),
                        id.modelCode(), level, instant, loaded.certificates(), loaded.actions(), loaded.marks())));
    }

    /** What an answer is computed from, read in one session. */
    @ApplicationScoped
    public static class EffectiveReads {
        public record Loaded(List<CertificateRecord> certificates,
                List<io.robotid.certification.domain.CertificateAction> actions,
                List<io.robotid.certification.domain.RevalidationMark> marks) {
        }

        private final CertificateRepository certificates;
        private final CertificateActionRepository actions;
        private final RevalidationMarkRepository marks;

        public EffectiveReads(CertificateRepository certificates, CertificateActionRepository actions,
                RevalidationMarkRepository marks) {
            this.certificates = certificates;
            this.actions = actions;
            this.marks = marks;
        }

        @WithSession
        public Uni<Loaded> load(RobotId id) {
            return certificates.ofSubjects(List.of(id.canonical(), id.modelCode()))
                    .chain(found -> actions.of(found.stream().map(c -> c.id).toList())
                            .chain(history -> marks.of(id.canonical())
                                    .map(open -> new Loaded(found, history, open))));
        }
    }
}
