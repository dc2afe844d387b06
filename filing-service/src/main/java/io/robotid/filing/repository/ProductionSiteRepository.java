package io.robotid.filing.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.robotid.filing.domain.ProductionSite;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ProductionSiteRepository implements PanacheRepository<ProductionSite> {

    public Uni<ProductionSite> find(String manufacturerCode, String siteCode) {
        return find("manufacturerCode = ?1 and siteCode = ?2", manufacturerCode, siteCode).firstResult();
    }

    public Uni<List<ProductionSite>> page(String manufacturerCode, String afterSiteCode, int limit) {
        return find("manufacturerCode = ?1 and siteCode > ?2 order by siteCode", manufacturerCode,
                afterSiteCode == null ? "" : afterSiteCode).range(0, limit - 1).list();
    }
}
