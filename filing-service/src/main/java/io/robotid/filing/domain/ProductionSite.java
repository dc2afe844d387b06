package io.robotid.filing.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.robotid.kit.audit.AuditStamp;

/** A manufacturer's plant; its 2-character code is the robot ID's characters 15-16. */
@Entity
@Table(name = "production_site")
public class ProductionSite extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "manufacturer_code")
    public String manufacturerCode;
    @Column(name = "site_code")
    public String siteCode;
    public String name;
    public String address;
    public String country;
    @Embedded
    public AuditStamp registered;
}
