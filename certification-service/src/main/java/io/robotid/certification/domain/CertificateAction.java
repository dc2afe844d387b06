package io.robotid.certification.domain;

import java.util.UUID;

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

/** A suspension, reinstatement or revocation: with the issue, the state of a certificate at any instant. */
@Entity
@Table(name = "certificate_action")
public class CertificateAction extends PanacheEntityBase {
    public enum Action { SUSPEND, REINSTATE, REVOKE }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "certificate_id")
    public UUID certificateId;
    @Enumerated(EnumType.STRING)
    public Action action;
    @Enumerated(EnumType.STRING)
    @Column(name = "state_after")
    public CertificateState stateAfter;
    public String reason;
    @Embedded
    public AuditStamp stamp;
    /** The certificate's record before this one: the certificate itself for the first action. */
    @Column(name = "previous_hash")
    public String previousHash;
    /** The robotid-certificate-action-v1 record, and its SHA-256 (hex). */
    public byte[] sealed;
    @Column(name = "record_hash")
    public String recordHash;
}
