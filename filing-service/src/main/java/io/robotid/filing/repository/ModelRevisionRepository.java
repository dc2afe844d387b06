package io.robotid.filing.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.robotid.filing.domain.ModelRevision;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ModelRevisionRepository implements PanacheRepository<ModelRevision> {

    public Uni<ModelRevision> find(UUID filingId, int revision) {
        return find("filingId = ?1 and revision = ?2", filingId, revision).firstResult();
    }

    public Uni<List<ModelRevision>> history(UUID filingId) {
        return list("filingId = ?1 order by revision", filingId);
    }
}
