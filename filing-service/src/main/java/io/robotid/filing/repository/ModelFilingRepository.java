package io.robotid.filing.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.robotid.filing.domain.FilingStatus;
import io.robotid.filing.domain.IntelligenceLevel;
import io.robotid.filing.domain.ModelFiling;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ModelFilingRepository implements PanacheRepositoryBase<ModelFiling, UUID> {

    /** Reads and locks the filing: reviews, amendments and withdrawals of one filing run one at a time. */
    public Uni<ModelFiling> findForUpdate(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<ModelFiling> findByModelCode(String modelCode) {
        return find("modelCode", modelCode).firstResult();
    }

    /** Draws the next value of the model code sequence (never handed out twice). */
    public Uni<Long> nextModelCodeNumber() {
        return getSession().chain(session -> session
                .createNativeQuery("select nextval('model_code_seq')", Long.class)
                .getSingleResult());
    }

    /** What a ListModels call filters on; empty strings and nulls mean "any". */
    public record Filter(String manufacturerCode, FilingStatus status, String family, IntelligenceLevel level,
            /** When set, filings never accepted are visible only if they belong to this manufacturer. */
            String visibleUnacceptedOf, boolean everythingVisible) {
    }

    /** One page, newest first, after the filing with sequence {@code beforeSeq} when given. */
    public Uni<List<ModelFiling>> page(Filter filter, Long beforeSeq, int limit) {
        StringBuilder query = new StringBuilder("seq < :before");
        Parameters parameters = Parameters.with("before", beforeSeq == null ? Long.MAX_VALUE : beforeSeq);
        if (!filter.manufacturerCode().isEmpty()) {
            query.append(" and manufacturerCode = :manufacturer");
            parameters.and("manufacturer", filter.manufacturerCode());
        }
        if (filter.status() != null) {
            query.append(" and status = :status");
            parameters.and("status", filter.status());
        }
        if (!filter.family().isEmpty()) {
            query.append(" and family = :family");
            parameters.and("family", filter.family());
        }
        if (filter.level() != null) {
            query.append(" and intelligenceLevel = :level");
            parameters.and("level", filter.level());
        }
        if (!filter.everythingVisible()) {
            if (filter.visibleUnacceptedOf() != null) {
                query.append(" and (modelCode is not null or manufacturerCode = :own)");
                parameters.and("own", filter.visibleUnacceptedOf());
            } else {
                query.append(" and modelCode is not null");
            }
        }
        return find(query + " order by seq desc", parameters).range(0, limit - 1).list();
    }
}
