package io.robotid.certification.domain;

import java.time.Instant;
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

/** A certificate: what a pass became, with its operating conditions, validity and state. */
@Entity
@Table(name = "certificate")
public class CertificateRecord extends PanacheEntityBase {
    @Id
    public UUID id;
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;
    @Column(name = "result_id")
    public UUID resultId;
    @Column(name = "certified_subject")
    public String subject;
    @Enumerated(EnumType.STRING)
    @Column(name = "subject_kind")
    public SubjectKind subjectKind;
    @Column(name = "model_code")
    public String modelCode;
    @Column(name = "manufacturer_code")
    public String manufacturerCode;
    @Column(name = "body_id")
    public String bodyId;
    @Enumerated(EnumType.STRING)
    public Tier tier;
    public String[] standards;
    @Column(name = "test_date")
    public Instant testDate;
    @Enumerated(EnumType.STRING)
    public Outcome outcome;
    @Embedded
    public StoredConditions conditions;
    @Column(name = "report_uri")
    public String reportUri;
    @Column(name = "report_sha256")
    public String reportSha256;
    /** Inclusive. */
    @Column(name = "valid_from")
    public Instant validFrom;
    /** Exclusive: at valid_until the certificate is expired. */
    @Column(name = "valid_until")
    public Instant validUntil;
    @Enumerated(EnumType.STRING)
    public CertificateState state;
    @Column(name = "state_reason")
    public String stateReason;
    @Column(name = "suspended_by_role")
    public String suspendedByRole;
    @Embedded
    public AuditStamp issued;
    @Embedded
    @AttributeOverrides({
            @AttributeOverride(name = "subject", column = @Column(name = "changed_subject")),
            @AttributeOverride(name = "role", column = @Column(name = "changed_role")),
            @AttributeOverride(name = "organisation", column = @Column(name = "changed_organisation")),
            @AttributeOverride(name = "at", column = @Column(name = "changed_at")),
            @AttributeOverride(name = "requestId", column = @Column(name = "changed_request_id")),
            @AttributeOverride(name = "traceId", column = @Column(name = "changed_trace_id")) })
    public AuditStamp lastChanged;
    /** The robotid-certificate-v1 record, and its SHA-256 (hex). */
    public byte[] sealed;
    @Column(name = "record_hash")
    public String recordHash;
    /** The hash of the last link of its chain of actions; {@link #recordHash} before any action. */
    @Column(name = "head_hash")
    public String headHash;

    /** In its validity window at {@code at}: valid_from <= at < valid_until. */
    public boolean validAt(Instant at) {
        return !at.isBefore(validFrom) && at.isBefore(validUntil);
    }

    public boolean expiredAt(Instant at) {
        return !at.isBefore(validUntil);
    }
}
