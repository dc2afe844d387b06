package io.robotid.identity.repository;

import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.robotid.identity.domain.IdentityRecord;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class IdentityRepository implements PanacheRepositoryBase<IdentityRecord, String> {

    /** One page of a model's identities in ID order (= year, site, sequence order within a model). */
    public Uni<List<IdentityRecord>> page(String modelCode, String afterRobotId, int limit) {
        return find("modelCode = ?1 and robotId > ?2 order by robotId", modelCode,
                afterRobotId == null ? "" : afterRobotId).range(0, limit - 1).list();
    }

    /** Which of these IDs were issued. */
    public Uni<List<String>> issuedAmong(Collection<String> robotIds) {
        if (robotIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return list("robotId in ?1 order by robotId", robotIds)
                .map(rows -> rows.stream().map(r -> r.robotId).toList());
    }

    /** The records of these IDs that were issued, by ID, in one statement. */
    public Uni<java.util.Map<String, IdentityRecord>> findAll(Collection<String> robotIds) {
        if (robotIds.isEmpty()) {
            return Uni.createFrom().item(java.util.Map.of());
        }
        return list("robotId in ?1", robotIds).map(rows -> {
            java.util.Map<String, IdentityRecord> byId = new java.util.HashMap<>();
            rows.forEach(r -> byId.put(r.robotId, r));
            return byId;
        });
    }

    /** Retires an ID, in the caller's transaction (the lifecycle follower's); false when it was retired already. */
    public static Uni<Boolean> retire(io.vertx.mutiny.sqlclient.SqlConnection connection, String robotId) {
        return connection.preparedQuery("update identity set status = 'RETIRED' where robot_id = $1 and status <> 'RETIRED'")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(robotId)).map(rows -> rows.rowCount() == 1);
    }
}
