package io.robotid.identity.domain;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.robotid.kit.id.RobotId;

/** An issued identity as read back (written in bulk by IssuanceRepository). */
@Entity
@Table(name = "identity")
public class IdentityRecord extends PanacheEntityBase {
    @Id
    @Column(name = "robot_id")
    public String robotId;
    @Column(name = "manufacturer_code")
    public String manufacturerCode;
    @Column(name = "model_code")
    public String modelCode;
    @Column(name = "site_code")
    public String siteCode;
    @Column(name = "production_year")
    public short productionYear;
    public long sequence;
    @Column(name = "hardware_serial")
    public String hardwareSerial;
    @Column(name = "batch_request_id")
    public UUID batchRequestId;
    @Column(name = "key_id")
    public String keyId;
    @Column(name = "issued_at")
    public Instant issuedAt;
    public byte[] signature;
    @Enumerated(EnumType.STRING)
    public IdentityStatus status;

    public IssuedIdentity toIssued() {
        return new IssuedIdentity(RobotId.of(robotId), hardwareSerial, batchRequestId, keyId, issuedAt, signature, status);
    }
}
