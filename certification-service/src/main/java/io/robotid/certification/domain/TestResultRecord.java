package io.robotid.certification.domain;

import java.time.Instant;
import java.util.UUID;

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

/** A test result as a body posted it, whatever its outcome. */
@Entity
@Table(name = "test_result")
public class TestResultRecord extends PanacheEntityBase {
    @Id
    public UUID id;
    /** Insertion order, for paging. */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;
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
    @Column(name = "valid_from")
    public Instant validFrom;
    @Column(name = "valid_until")
    public Instant validUntil;
    @Column(name = "certificate_id")
    public UUID certificateId;
    @Embedded
    public AuditStamp submitted;
    /** The robotid-test-result-v1 record, and its SHA-256 (hex). */
    public byte[] sealed;
    @Column(name = "record_hash")
    public String recordHash;
}
