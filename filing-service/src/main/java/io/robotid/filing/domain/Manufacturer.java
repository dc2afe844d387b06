package io.robotid.filing.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.robotid.kit.audit.AuditStamp;

/** A registered manufacturer; its 4-character code is the robot ID's characters 3-6. */
@Entity
@Table(name = "manufacturer")
public class Manufacturer extends PanacheEntityBase {
    @Id
    public String code;
    @Column(name = "legal_name")
    public String legalName;
    public String country;
    @Column(name = "registration_number")
    public String registrationNumber;
    /** How many site codes were handed out; the next site gets the next one. */
    @Column(name = "sites_registered")
    public int sitesRegistered;
    @Embedded
    public AuditStamp registered;
}
