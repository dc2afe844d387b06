package io.robotid.filing.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.robotid.filing.domain.Manufacturer;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ManufacturerRepository implements PanacheRepositoryBase<Manufacturer, String> {

    /** Reads and locks the row, so that site codes are allocated one writer at a time. */
    public Uni<Manufacturer> findForUpdate(String code) {
        return findById(code, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<Boolean> registrationExists(String country, String registrationNumber) {
        return count("country = ?1 and lower(registrationNumber) = lower(?2)", country, registrationNumber)
                .map(n -> n > 0);
    }

    /** Draws the next value of the manufacturer code sequence (never handed out twice). */
    public Uni<Long> nextCodeNumber() {
        return getSession().chain(session -> session
                .createNativeQuery("select nextval('manufacturer_code_seq')", Long.class)
                .getSingleResult());
    }

    /** One page ordered by code, after {@code afterCode} when given, optionally of one country. */
    public Uni<List<Manufacturer>> page(String country, String afterCode, int limit) {
        StringBuilder query = new StringBuilder("code > :after");
        Parameters parameters = Parameters.with("after", afterCode == null ? "" : afterCode);
        if (!country.isEmpty()) {
            query.append(" and country = :country");
            parameters.and("country", country);
        }
        return find(query + " order by code", parameters).range(0, limit - 1).list();
    }
}
