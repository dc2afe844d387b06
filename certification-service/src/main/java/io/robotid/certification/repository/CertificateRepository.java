package io.robotid.certification.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.robotid.certification.domain.CertificateRecord;
import io.robotid.certification.domain.CertificateState;
import io.robotid.certification.domain.Tier;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class CertificateRepository implements PanacheRepositoryBase<CertificateRecord, UUID> {

    /** Reads and locks the certificate: its state changes run one at a time. */
    public Uni<CertificateRecord> findForUpdate(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /** What a ListCertificates call filters on; null means any. */
    public record Filter(String subject, Tier tier, String bodyId, CertificateState state) {
    }

    public Uni<List<CertificateRecord>> page(Filter filter, long afterSeq, int limit) {
        StringBuilder query = new StringBuilder("seq > :after");
        Parameters parameters = Parameters.with("after", afterSeq);
        if (filter.subject() != null) {
            query.append(" and subject = :subject");
            parameters.and("subject", filter.subject());
        }
        if (filter.tier() != null) {
            query.append(" and tier = :tier");
            parameters.and("tier", filter.tier());
        }
        if (filter.bodyId() != null) {
            query.append(" and bodyId = :body");
            parameters.and("body", filter.bodyId());
        }
        if (filter.state() != null) {
            query.append(" and state = :state");
            parameters.and("state", filter.state());
        }
        return find(query + " order by seq", parameters).range(0, limit - 1).list();
    }

    /** Every certificate of these subjects (a robot and its model), in insertion order. */
    public Uni<List<CertificateRecord>> ofSubjects(Collection<String> subjects) {
        return list("subject in ?1 order by seq", subjects);
    }

    /**
     * Whether a passing unit-level test of {@code tier} dated at or after {@code since} made a
     * certificate for this robot (such a test satisfies a re-validation mark of that time).
     */
    public Uni<CertificateRecord> revalidating(String robotId, Tier tier, java.time.Instant since) {
        return find("subject = ?1 and tier = ?2 and testDate >= ?3 order by seq", robotId, tier, since).firstResult();
    }
}
