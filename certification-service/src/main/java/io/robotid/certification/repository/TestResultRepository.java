package io.robotid.certification.repository;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.robotid.certification.domain.Outcome;
import io.robotid.certification.domain.TestResultRecord;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class TestResultRepository implements PanacheRepositoryBase<TestResultRecord, UUID> {

    /**
     * What a ListTestResults call filters on; null or empty means any. {@code manufacturerCode} and
     * {@code bodyId} restrict to what the caller may see (both null: everything).
     */
    public record Filter(String subject, Outcome outcome, String manufacturerCode, String bodyId) {
    }

    /** One page in insertion order, after {@code afterSeq}. */
    public Uni<List<TestResultRecord>> page(Filter filter, long afterSeq, int limit) {
        StringBuilder query = new StringBuilder("seq > :after");
        Parameters parameters = Parameters.with("after", afterSeq);
        if (filter.subject() != null) {
            query.append(" and subject = :subject");
            parameters.and("subject", filter.subject());
        }
        if (filter.outcome() != null) {
            query.append(" and outcome = :outcome");
            parameters.and("outcome", filter.outcome());
        }
        if (filter.manufacturerCode() != null) {
            query.append(" and manufacturerCode = :manufacturer");
            parameters.and("manufacturer", filter.manufacturerCode());
        }
        if (filter.bodyId() != null) {
            query.append(" and bodyId = :body");
            parameters.and("body", filter.bodyId());
        }
        return find(query + " order by seq", parameters).range(0, limit - 1).list();
    }
}
