package io.robotid.filing.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;

@Entity
@Table(name = "manufacturer_contact")
public class ManufacturerContact extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "manufacturer_code")
    public String manufacturerCode;
    /** Order in which the manufacturer listed its contacts. */
    public int position;
    @Enumerated(EnumType.STRING)
    public ContactPurpose purpose;
    public String name;
    public String email;
    public String phone;
}
