package io.robotid.certification.repository;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.robotid.certification.domain.CertificationBody;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class BodyRepository implements PanacheRepositoryBase<CertificationBody, String> {

    /** Reads and locks the body, so re-accreditations of one body run one at a time. */
    public Uni<CertificationBody> findForUpdate(String bodyId) {
        return findById(bodyId, LockModeType.PESSIMISTIC_WRITE);
    }
}
