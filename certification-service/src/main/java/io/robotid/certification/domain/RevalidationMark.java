package io.robotid.certification.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

/**
 * A tier of one unit that needs re-validation since a configuration change (written by the
 * lifecycle feed follower), until a passing unit-level test of the tier dated at or after
 * {@code since} clears it.
 */
@Entity
@Table(name = "revalidation_mark")
public class RevalidationMark extends PanacheEntityBase {
    @Id
    public Long id;
    @Column(name = "robot_id")
    public String robotId;
    @Enumerated(EnumType.STRING)
    public Tier tier;
    public Instant since;
    public String cause;
    @Column(name = "lifecycle_event_sequence")
    public long lifecycleEventSequence;
    @Column(name = "lifecycle_feed_sequence")
    public long lifecycleFeedSequence;
    @Column(name = "marked_at")
    public Instant markedAt;
    @Column(name = "cleared_at")
    public Instant clearedAt;
    @Column(name = "cleared_by_certificate")
    public UUID clearedByCertificate;
    /** The lifecycle event that caused the mark (from its feed entry); 64 zeros for marks made before. */
    @Column(name = "lifecycle_event_hash")
    public String lifecycleEventHash;
    /** The robotid-revalidation-mark-v1 record, and its SHA-256 (hex). */
    @Column(name = "mark_sealed")
    public byte[] markSealed;
    @Column(name = "mark_hash")
    public String markHash;
    /** The robotid-revalidation-clearing-v1 record, and its SHA-256 (hex); null while the mark is open. */
    @Column(name = "clearing_sealed")
    public byte[] clearingSealed;
    @Column(name = "clearing_hash")
    public String clearingHash;

    /** Open at {@code at}: the change happened by then and no test had cleared it. */
    public boolean openAt(Instant at) {
        return !since.isAfter(at) && (clearedAt == null || clearedAt.isAfter(at));
    }
}
