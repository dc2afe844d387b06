package io.robotid.filing.domain;

import java.util.UUID;

import jakarta.persistence.AttributeOverride;
import jakarta.persistence.AttributeOverrides;
import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.robotid.kit.audit.AuditStamp;

/** One numbered, immutable version of a filing's content, with its review outcome. */
@Entity
@Table(name = "model_revision")
public class ModelRevision extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "filing_id")
    public UUID filingId;
    public int revision;
    /** Why this revision was filed; empty for revision 1. */
    public String reason;
    /** The specification as canonical proto3 JSON (see SpecificationJson). */
    @Column(name = "specification")
    public String specificationJson;
    @Enumerated(EnumType.STRING)
    @Column(name = "intelligence_level")
    public IntelligenceLevel intelligenceLevel;
    @Enumerated(EnumType.STRING)
    public RevisionState state;
    @Column(name = "review_reason")
    public String reviewReason = "";
    @Embedded
    public AuditStamp submitted;
    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "subject", column = @Column(name = "reviewed_subject")),
            @AttributeOverride(name = "role", column = @Column(name = "reviewed_role")),
            @AttributeOverride(name = "organisation", column = @Column(name = "reviewed_organisation")),
            @AttributeOverride(name = "at", column = @Column(name = "reviewed_at")),
            @AttributeOverride(name = "requestId", column = @Column(name = "reviewed_request_id")),
            @AttributeOverride(name = "traceId", column = @Column(name = "reviewed_trace_id")) })
    public AuditStamp reviewed;

}
