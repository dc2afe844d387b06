package io.robotid.certification.repository;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.robotid.certification.domain.RevalidationMark;
import io.robotid.certification.domain.Tier;
import io.smallrye.mutiny.Uni;

/** Re-validation marks, read and cleared here; written by the lifecycle feed follower (LifecycleFollower). */
@ApplicationScoped
public class RevalidationMarkRepository implements PanacheRepositoryBase<RevalidationMark, Long> {

    /** Every mark of the robot, oldest first. */
    public Uni<List<RevalidationMark>> of(String robotId) {
        return list("robotId = ?1 order by id", robotId);
    }

    /** Clears the robot's open marks of {@code tier} that a test dated {@code testDate} satisfies. */
    public Uni<Integer> clear(String robotId, Tier tier, Instant testDate, Instant at, UUID certificateId) {
        return update("clearedAt = ?1, clearedByCertificate = ?2 where robotId = ?3 and tier = ?4"
                + " and clearedAt is null and since <= ?5", at, certificateId, robotId, tier, testDate);
    }
}
