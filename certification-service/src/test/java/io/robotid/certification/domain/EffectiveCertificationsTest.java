package io.robotid.certification.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.robotid.certification.grpc.CertificationMessages;
import io.robotid.kit.audit.AuditStamp;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.EffectiveTier;
import io.robotid.proto.certification.v1.ExcludedCertificate;
import io.robotid.proto.certification.v1.ExclusionReason;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsResponse;
import io.robotid.proto.certification.v1.MissingRequirement;
import io.robotid.proto.certification.v1.Requirement;
import io.robotid.proto.filing.v1.IntelligenceLevel;

/** The effective-certification rules, without a database: validity, state at the instant, marks, section 6. */
class EffectiveCertificationsTest {
    static final String ROBOT = "CNA1B2C3D4E526BJ000000000001G";
    static final String MODEL = "C3D4E5";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant UNTIL = Instant.parse("2027-01-01T00:00:00Z");

    final List<CertificateRecord> certificates = new ArrayList<>();
    final List<CertificateAction> actions = new ArrayList<>();
    final List<RevalidationMark> marks = new ArrayList<>();

    CertificateRecord certificate(String subject, Tier tier, Conditions conditions) {
        CertificateRecord c = new CertificateRecord();
        c.id = UUID.randomUUID();
        c.subject = subject;
        c.tier = tier;
        c.validFrom = T0;
        c.validUntil = UNTIL;
        c.state = CertificateState.ACTIVE;
        c.conditions = StoredConditions.of(conditions);
        certificates.add(c);
        return c;
    }

    void act(CertificateRecord c, CertificateState after, Instant at) {
        CertificateAction a = new CertificateAction();
        a.id = (long) actions.size() + 1;
        a.certificateId = c.id;
        a.stateAfter = after;
        a.stamp = new AuditStamp("x", "REGULATOR", "", at, UUID.randomUUID(), "t");
        actions.add(a);
    }

    void mark(Tier tier, Instant since, Instant cleared) {
        RevalidationMark m = new RevalidationMark();
        m.robotId = ROBOT;
        m.tier = tier;
        m.since = since;
        m.clearedAt = cleared;
        m.cause = "COMPONENT_REPLACED";
        marks.add(m);
    }

    GetEffectiveCertificationsResponse at(Instant at, IntelligenceLevel level) {
        return CertificationMessages.effective(EffectiveCertifications.compute(ROBOT, MODEL, level, at, certificates,
                actions, marks), c -> Certificate.newBuilder().setCertificateId(c.id.toString()).build());
    }

    GetEffectiveCertificationsResponse at(Instant at) {
        return at(at, IntelligenceLevel.INTELLIGENCE_LEVEL_L1);
    }

    static List<io.robotid.proto.certification.v1.Tier> tiers(GetEffectiveCertificationsResponse r) {
        return r.getTiersList().stream().map(EffectiveTier::getTier).toList();
    }

    static List<ExclusionReason> reasons(GetEffectiveCertificationsResponse r) {
        return r.getExcludedList().stream().map(ExcludedCertificate::getReason).toList();
    }

    @Test
    void validUntilIsExclusiveAndValidFromInclusive() {
        certificate(MODEL, Tier.BASE_SAFETY, null);
        assertThat(tiers(at(UNTIL.minusNanos(1000)))).containsExactly(io.robotid.proto.certification.v1.Tier.TIER_BASE_SAFETY);
        assertThat(tiers(at(UNTIL))).isEmpty();
        assertThat(reasons(at(UNTIL))).containsExactly(ExclusionReason.EXCLUSION_REASON_EXPIRED);
        assertThat(tiers(at(T0))).hasSize(1);
        assertThat(reasons(at(T0.minusNanos(1000)))).containsExactly(ExclusionReason.EXCLUSION_REASON_NOT_YET_VALID);
    }

    @Test
    void suspensionsReinstatementsAndRevocationsCountFromWhenTheyWereRecorded() {
        CertificateRecord c = certificate(ROBOT, Tier.BASE_SAFETY, null);
        Instant suspended = T0.plusSeconds(100);
        Instant reinstated = T0.plusSeconds(200);
        Instant revoked = T0.plusSeconds(300);
        act(c, CertificateState.SUSPENDED, suspended);
        act(c, CertificateState.ACTIVE, reinstated);
        act(c, CertificateState.REVOKED, revoked);
        assertThat(tiers(at(suspended.minusNanos(1000)))).hasSize(1);
        assertThat(reasons(at(suspended))).containsExactly(ExclusionReason.EXCLUSION_REASON_SUSPENDED);
        assertThat(tiers(at(reinstated))).hasSize(1);
        assertThat(reasons(at(revoked))).containsExactly(ExclusionReason.EXCLUSION_REASON_REVOKED);
        assertThat(reasons(at(UNTIL.plusSeconds(1)))).as("revocation before expiry is what is shown")
                .containsExactly(ExclusionReason.EXCLUSION_REASON_REVOKED);
    }

    @Test
    void modelAndUnitCertificatesCombineToTheTightestConditions() {
        certificate(MODEL, Tier.BASE_SAFETY, new Conditions(2.0, 20.0, Environment.INDOOR_AND_OUTDOOR, true,
                Set.of("logistics", "retail", "cleaning")));
        certificate(ROBOT, Tier.BASE_SAFETY, new Conditions(1.5, null, Environment.INDOOR_AND_OUTDOOR, true, null));
        certificate(MODEL, Tier.MOBILITY, new Conditions(null, 10.0, Environment.INDOOR_ONLY, false,
                Set.of("retail", "logistics")));
        GetEffectiveCertificationsResponse r = at(T0.plusSeconds(10));
        assertThat(r.getTiersList()).hasSize(2);
        EffectiveTier base = r.getTiers(0);
        assertThat(base.getCertificatesCount()).isEqualTo(2);
        assertThat(base.getConditions().getMaxSpeedMPerS()).isEqualTo(1.5);
        assertThat(base.getConditions().getMaxPayloadKg()).isEqualTo(20.0);
        assertThat(base.getConditions().getEnvironment())
                .isEqualTo(io.robotid.proto.certification.v1.Environment.ENVIRONMENT_INDOOR_AND_OUTDOOR);
        var all = r.getConditions();
        assertThat(all.getMaxSpeedMPerS()).isEqualTo(1.5);
        assertThat(all.getMaxPayloadKg()).isEqualTo(10.0);
        assertThat(all.getEnvironment()).isEqualTo(io.robotid.proto.certification.v1.Environment.ENVIRONMENT_INDOOR_ONLY);
        assertThat(all.getPeopleNearbyAllowed()).isFalse();
        assertThat(all.getAllowedTaskCategoriesList()).containsExactly("logistics", "retail");
        assertThat(r.getNoTaskCategoryAllowed()).isFalse();
    }

    @Test
    void aMarkedTierIsExcludedUntilCleared() {
        certificate(MODEL, Tier.BASE_SAFETY, null);
        certificate(MODEL, Tier.MOBILITY, null);
        Instant change = T0.plusSeconds(1000);
        Instant cleared = T0.plusSeconds(2000);
        mark(Tier.BASE_SAFETY, change, cleared);
        assertThat(tiers(at(change.minusSeconds(1)))).hasSize(2);
        GetEffectiveCertificationsResponse during = at(change);
        assertThat(tiers(during)).containsExactly(io.robotid.proto.certification.v1.Tier.TIER_MOBILITY);
        assertThat(reasons(during)).containsExactly(ExclusionReason.EXCLUSION_REASON_NEEDS_REVALIDATION);
        assertThat(during.getNeedsRevalidationList()).hasSize(1);
        assertThat(tiers(at(cleared))).hasSize(2);
    }

    @Test
    void whatSectionSixRequiresIsReportedMissing() {
        GetEffectiveCertificationsResponse none = at(T0, IntelligenceLevel.INTELLIGENCE_LEVEL_L1);
        assertThat(none.hasConditions()).isFalse();
        assertThat(none.getMissingList()).extracting(MissingRequirement::getRequirement, MissingRequirement::getTier)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Requirement.REQUIREMENT_ANY_OPERATION,
                                io.robotid.proto.certification.v1.Tier.TIER_BASE_SAFETY),
                        org.assertj.core.groups.Tuple.tuple(Requirement.REQUIREMENT_PUBLIC_SPACE,
                                io.robotid.proto.certification.v1.Tier.TIER_PUBLIC_SPACE),
                        org.assertj.core.groups.Tuple.tuple(Requirement.REQUIREMENT_PUBLIC_SPACE,
                                io.robotid.proto.certification.v1.Tier.TIER_MOBILITY),
                        org.assertj.core.groups.Tuple.tuple(Requirement.REQUIREMENT_PHYSICAL_INTERACTION_TASKS,
                                io.robotid.proto.certification.v1.Tier.TIER_PHYSICAL_INTERACTION));
        assertThat(at(T0, IntelligenceLevel.INTELLIGENCE_LEVEL_L3).getMissingList())
                .extracting(MissingRequirement::getTier).contains(io.robotid.proto.certification.v1.Tier.TIER_DATA_SECURITY);
        assertThat(at(T0, IntelligenceLevel.INTELLIGENCE_LEVEL_L4).getMissingList())
                .extracting(MissingRequirement::getTier).contains(io.robotid.proto.certification.v1.Tier.TIER_DATA_SECURITY);
        assertThat(at(T0, IntelligenceLevel.INTELLIGENCE_LEVEL_L2).getMissingList())
                .extracting(MissingRequirement::getTier)
                .doesNotContain(io.robotid.proto.certification.v1.Tier.TIER_DATA_SECURITY);

        for (Tier tier : Tier.values()) {
            certificate(MODEL, tier, null);
        }
        assertThat(at(T0, IntelligenceLevel.INTELLIGENCE_LEVEL_L4).getMissingList()).isEmpty();
    }

    @Test
    void disjointTaskCategoriesAllowNoTask() {
        certificate(MODEL, Tier.BASE_SAFETY, new Conditions(null, null, Environment.INDOOR_ONLY, true, Set.of("a")));
        certificate(ROBOT, Tier.TASK_SPECIFIC, new Conditions(null, null, Environment.INDOOR_ONLY, true, Set.of("b")));
        GetEffectiveCertificationsResponse r = at(T0);
        assertThat(r.getNoTaskCategoryAllowed()).isTrue();
        assertThat(r.getConditions().getAllowedTaskCategoriesList()).isEmpty();
        assertThat(r.getTiers(0).getNoTaskCategoryAllowed()).isFalse();
    }
}
