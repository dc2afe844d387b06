package io.robotid.filing.domain;

import java.util.UUID;

import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Generated;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.robotid.kit.audit.AuditStamp;

/**
 * A product model filing and its state. Its content lives in numbered {@link ModelRevision}s;
 * name, family and level of the revision in effect are copied here for filtering.
 */
@Entity
@Table(name = "model_filing")
public class ModelFiling extends PanacheEntityBase {
    @Id
    public UUID id;
    /** Insertion order, for newest-first paging. Assigned by the database. */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;
    @Column(name = "manufacturer_code")
    public String manufacturerCode;
    /** Null until first accepted. */
    @Column(name = "model_code")
    public String modelCode;
    @Enumerated(EnumType.STRING)
    public FilingStatus status;
    /** The accepted revision in effect, else the latest. */
    @Column(name = "current_revision")
    public int currentRevision;
    /** The revision awaiting review, 0 if none. */
    @Column(name = "pending_revision")
    public int pendingRevision;
    @Column(name = "latest_revision")
    public int latestRevision;
    @Column(name = "status_reason")
    public String statusReason = "";
    public String name;
    public String family;
    @Enumerated(EnumType.STRING)
    @Column(name = "intelligence_level")
    public IntelligenceLevel intelligenceLevel;
    @Embedded
    public AuditStamp submitted;
    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "subject", column = @Column(name = "changed_subject")),
            @AttributeOverride(name = "role", column = @Column(name = "changed_role")),
            @AttributeOverride(name = "organisation", column = @Column(name = "changed_organisation")),
            @AttributeOverride(name = "at", column = @Column(name = "changed_at")),
            @AttributeOverride(name = "requestId", column = @Column(name = "changed_request_id")),
            @AttributeOverride(name = "traceId", column = @Column(name = "changed_trace_id")) })
    public AuditStamp lastChanged;

    /** True once a model code was assigned, i.e. the filing was accepted at least once. */
    public boolean wasAccepted() {
        return modelCode != null;
    }

    /** Makes a revision the one in effect, copying its filterable fields. */
    public void putInEffect(int revision, String name, String family, IntelligenceLevel level) {
        this.currentRevision = revision;
        this.name = name;
        this.family = family;
        this.intelligenceLevel = level;
    }
}
