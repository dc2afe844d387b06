package io.robotid.certification.domain;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.robotid.kit.audit.AuditStamp;

/** An accredited certification body and its scope: the tiers and standards it may certify. */
@Entity
@Table(name = "certification_body")
public class CertificationBody extends PanacheEntityBase {
    @Id
    @Column(name = "body_id")
    public String bodyId;
    public String name;
    public String country;
    /** Tier names. */
    public String[] tiers;
    public String[] standards;
    @Column(name = "accreditation_version")
    public int accreditationVersion;
    /** The accreditation in force. */
    @Embedded
    public AuditStamp accredited;
    /** The robotid-certification-body-v1 record of the accreditation in force, and its SHA-256 (hex). */
    public byte[] sealed;
    @Column(name = "record_hash")
    public String recordHash;

    public Set<Tier> tierSet() {
        EnumSet<Tier> set = EnumSet.noneOf(Tier.class);
        Arrays.stream(tiers).map(Tier::valueOf).forEach(set::add);
        return set;
    }

    /** The scope's spelling of {@code standard}, compared without case and with spaces collapsed. */
    public Optional<String> standardInScope(String standard) {
        String wanted = comparable(standard);
        return Arrays.stream(standards).filter(s -> comparable(s).equals(wanted)).findFirst();
    }

    /** Trimmed, runs of white space as one space. */
    public static String normalizeStandard(String standard) {
        return standard == null ? "" : standard.trim().replaceAll("\\s+", " ");
    }

    private static String comparable(String standard) {
        return normalizeStandard(standard).toUpperCase(Locale.ROOT);
    }
}
