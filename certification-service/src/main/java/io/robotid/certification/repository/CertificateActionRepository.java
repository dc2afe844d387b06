package io.robotid.certification.repository;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.robotid.certification.domain.CertificateAction;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class CertificateActionRepository implements PanacheRepositoryBase<CertificateAction, Long> {

    /** The state changes of these certificates, oldest first. */
    public Uni<List<CertificateAction>> of(Collection<UUID> certificateIds) {
        if (certificateIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("certificateId in ?1 order by id", certificateIds);
    }
}
