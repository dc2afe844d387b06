package io.robotid.certification.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.robotid.proto.certification.v1.ExclusionReason;
import io.robotid.proto.certification.v1.Requirement;
import io.robotid.proto.filing.v1.IntelligenceLevel;

/**
 * What a robot is certified for at an instant, from its model's and its own certificates, their
 * state changes and the unit's re-validation marks. A certificate counts when, at the instant:
 * <ul>
 * <li>its validity window holds it: {@code valid_from <= at < valid_until} (valid_until is
 * exclusive: at exactly valid_until it is expired);</li>
 * <li>it is neither suspended nor revoked (each suspension, reinstatement and revocation takes
 * effect from the moment it was recorded);</li>
 * <li>its tier does not need re-validation on this unit (a part or software change recorded at or
 * before the instant, not yet cleared by a passing unit-level test of that tier).</li>
 * </ul>
 * The conditions of the counting certificates combine to the tightest ({@link Conditions#tightest}),
 * per tier and over all; what DESIGN.md section 6 requires without a counting certificate is
 * reported as missing.
 *
 * @param intelligenceLevel  the model's level (UNSPECIFIED when filing-service knows no model)
 * @param tiers              the tiers with a counting certificate, in tier order
 * @param conditions         the tightest conditions over every counting certificate; null when none counts
 * @param missing            what DESIGN.md section 6 requires and no counting certificate gives, in the rules' order
 * @param needsRevalidation  the unit's marks open at the instant, the oldest of each tier, in tier order
 * @param excluded           the certificates that do not count, and why, in the order they were given
 */
public record EffectiveCertifications(String robotId, String modelCode, Instant at, IntelligenceLevel intelligenceLevel,
        List<TierCertifications> tiers, Conditions conditions, List<Missing> missing,
        List<RevalidationMark> needsRevalidation, List<Excluded> excluded) {

    public EffectiveCertifications {
        tiers = List.copyOf(tiers);
        missing = List.copyOf(missing);
        needsRevalidation = List.copyOf(needsRevalidation);
        excluded = List.copyOf(excluded);
    }

    /** True when counting certificates were combined whose task categories have nothing in common. */
    public boolean noTaskCategoryAllowed() {
        return conditions != null && conditions.noTaskCategoryAllowed();
    }

    /**
     * A tier with counting certificates: them (in the order they were given), their tightest conditions and the
     * latest valid_until among them.
     */
    public record TierCertifications(Tier tier, List<CertificateRecord> certificates, Conditions conditions,
            Instant validUntil) {
        public TierCertifications {
            certificates = List.copyOf(certificates);
        }

        public boolean noTaskCategoryAllowed() {
            return conditions.noTaskCategoryAllowed();
        }
    }

    /** A certificate that does not count at the instant, and why. */
    public record Excluded(CertificateRecord certificate, ExclusionReason reason) {
    }

    /** A requirement of DESIGN.md section 6 that no counting certificate meets: the tier it needs, and the rule. */
    public record Missing(Requirement requirement, Tier tier, String rule) {
    }

    /**
     * @param certificates the model's and the unit's certificates
     * @param actions      their suspensions, reinstatements and revocations, any order
     * @param marks        the unit's re-validation marks
     */
    public static EffectiveCertifications compute(String robotId, String modelCode, IntelligenceLevel level,
            Instant at, List<CertificateRecord> certificates, List<CertificateAction> actions,
            List<RevalidationMark> marks) {
        Map<Tier, RevalidationMark> open = new EnumMap<>(Tier.class);
        for (RevalidationMark mark : marks) {
            if (robotId.equals(mark.robotId) && mark.openAt(at)) {
                open.merge(mark.tier, mark, (a, b) -> a.since.isBefore(b.since) ? a : b);
            }
        }
        Map<UUID, List<CertificateAction>> history = new java.util.HashMap<>();
        actions.stream().sorted(Comparator.comparing((CertificateAction a) -> a.stamp.at).thenComparing(a -> a.id))
                .forEach(a -> history.computeIfAbsent(a.certificateId, k -> new ArrayList<>()).add(a));

        List<Excluded> excluded = new ArrayList<>();
        Map<Tier, List<CertificateRecord>> counting = new EnumMap<>(Tier.class);
        for (CertificateRecord c : certificates) {
            ExclusionReason reason = exclusion(c, stateAt(c, history.getOrDefault(c.id, List.of()), at), at,
                    open.containsKey(c.tier));
            if (reason == null) {
                counting.computeIfAbsent(c.tier, t -> new ArrayList<>()).add(c);
            } else {
                excluded.add(new Excluded(c, reason));
            }
        }
        List<Conditions> all = new ArrayList<>();
        List<TierCertifications> tiers = new ArrayList<>();
        counting.forEach((tier, list) -> {
            List<Conditions> conditions = list.stream().map(c -> c.conditions.effective()).toList();
            all.addAll(conditions);
            Conditions tightest = Conditions.tightest(conditions);
            Instant until = list.stream().map(c -> c.validUntil).max(Comparator.naturalOrder()).orElseThrow();
            tiers.add(new TierCertifications(tier, list, tightest, until));
        });
        List<RevalidationMark> needs = open.values().stream().sorted(Comparator.comparing(m -> m.tier)).toList();
        return new EffectiveCertifications(robotId, modelCode, at, level, tiers, Conditions.tightest(all),
                missing(counting, level), needs, excluded);
    }

    /** The state of a certificate at an instant: ACTIVE when issued, then each action recorded by then. */
    public static CertificateState stateAt(CertificateRecord c, List<CertificateAction> history, Instant at) {
        CertificateState state = CertificateState.ACTIVE;
        for (CertificateAction action : history) {
            if (!action.stamp.at.isAfter(at)) {
                state = action.stateAfter;
            }
        }
        return state;
    }

    private static ExclusionReason exclusion(CertificateRecord c, CertificateState state, Instant at, boolean reopened) {
        if (state == CertificateState.REVOKED) {
            return ExclusionReason.EXCLUSION_REASON_REVOKED;
        }
        if (state == CertificateState.SUSPENDED) {
            return ExclusionReason.EXCLUSION_REASON_SUSPENDED;
        }
        if (c.expiredAt(at)) {
            return ExclusionReason.EXCLUSION_REASON_EXPIRED;
        }
        if (at.isBefore(c.validFrom)) {
            return ExclusionReason.EXCLUSION_REASON_NOT_YET_VALID;
        }
        if (reopened) {
            return ExclusionReason.EXCLUSION_REASON_NEEDS_REVALIDATION;
        }
        return null;
    }

    /** DESIGN.md section 6, tier by tier. */
    private static List<Missing> missing(Map<Tier, List<CertificateRecord>> counting, IntelligenceLevel level) {
        List<Missing> missing = new ArrayList<>();
        if (!counting.containsKey(Tier.BASE_SAFETY)) {
            missing.add(new Missing(Requirement.REQUIREMENT_ANY_OPERATION, Tier.BASE_SAFETY,
                    "every permission check needs a valid BASE_SAFETY certificate (model or unit level); without one the answer is DENY"));
        }
        if (!counting.containsKey(Tier.PUBLIC_SPACE)) {
            missing.add(new Missing(Requirement.REQUIREMENT_PUBLIC_SPACE, Tier.PUBLIC_SPACE,
                    "PUBLIC_SPACE zones require the PUBLIC_SPACE tier"));
        }
        if (!counting.containsKey(Tier.MOBILITY)) {
            missing.add(new Missing(Requirement.REQUIREMENT_PUBLIC_SPACE, Tier.MOBILITY,
                    "PUBLIC_SPACE zones require the MOBILITY tier"));
        }
        boolean l3OrAbove = level == IntelligenceLevel.INTELLIGENCE_LEVEL_L3 || level == IntelligenceLevel.INTELLIGENCE_LEVEL_L4;
        boolean unknown = level == IntelligenceLevel.INTELLIGENCE_LEVEL_UNSPECIFIED || level == IntelligenceLevel.UNRECOGNIZED;
        if ((l3OrAbove || unknown) && !counting.containsKey(Tier.DATA_SECURITY)) {
            missing.add(new Missing(Requirement.REQUIREMENT_PUBLIC_SPACE, Tier.DATA_SECURITY, unknown
                    ? "PUBLIC_SPACE zones require DATA_SECURITY for level L3 and above (the model's level is unknown, so it is required)"
                    : "PUBLIC_SPACE zones require DATA_SECURITY for level L3 and above (this model is "
                            + level.name().replace("INTELLIGENCE_LEVEL_", "") + ")"));
        }
        if (!counting.containsKey(Tier.PHYSICAL_INTERACTION)) {
            missing.add(new Missing(Requirement.REQUIREMENT_PHYSICAL_INTERACTION_TASKS, Tier.PHYSICAL_INTERACTION,
                    "PHYSICAL_INTERACTION tasks need the PHYSICAL_INTERACTION tier"));
        }
        return missing;
    }
}
