package io.robotid.filing.repository;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.robotid.filing.domain.ManufacturerContact;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class ManufacturerContactRepository implements PanacheRepository<ManufacturerContact> {

    /** The contacts of these manufacturers, in each one's listed order. */
    public Uni<List<ManufacturerContact>> forManufacturers(Collection<String> codes) {
        if (codes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("manufacturerCode in ?1 order by manufacturerCode, position", codes);
    }
}
