package io.robotid.geofence.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.robotid.geofence.engine.CertifiedTier;
import io.robotid.geofence.engine.Environment;
import io.robotid.geofence.engine.OperatingConditions;
import io.robotid.geofence.engine.Tier;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.CertificateState;

/**
 * A robot's effective certifications from the certificates the certification feed showed: per tier, the
 * ACTIVE model- and unit-level certificates valid at the instant, unless the unit waits for re-validation
 * of that tier, combined with the tightest conditions (the rule of certification-service's
 * GetEffectiveCertifications: lowest limits, indoor-only over outdoor, people nearby not allowed over
 * allowed, the intersection of task categories).
 */
public final class EffectiveTiers {
    private EffectiveTiers() {
    }

    public static Map<Tier, CertifiedTier> at(Instant at, Collection<Certificate> certificates, Set<Tier> pendingRevalidation) {
        Map<Tier, List<Certificate>> counting = new EnumMap<>(Tier.class);
        for (Certificate c : certificates) {
            Tier tier = ZoneDefinitions.tier(c.getTier());
            if (tier == null || c.getState() != CertificateState.CERTIFICATE_STATE_ACTIVE || pendingRevalidation.contains(tier)) {
                continue;
            }
            Instant from = ZoneDefinitions.instant(c.getValidity().hasValidFrom(), c.getValidity().getValidFrom());
            Instant until = ZoneDefinitions.instant(c.getValidity().hasValidUntil(), c.getValidity().getValidUntil());
            if ((from != null && at.isBefore(from)) || (until != null && !at.isBefore(until))) {
                continue;
            }
            counting.computeIfAbsent(tier, t -> new ArrayList<>()).add(c);
        }
        Map<Tier, CertifiedTier> out = new EnumMap<>(Tier.class);
        counting.forEach((tier, list) -> out.put(tier, combine(tier, list)));
        return out;
    }

    private static CertifiedTier combine(Tier tier, List<Certificate> list) {
        Double speed = null;
        Double payload = null;
        Environment environment = null;
        Boolean people = null;
        Set<String> tasks = null;
        Instant from = null;
        Instant until = null;
        boolean open = false;
        for (Certificate c : list) {
            Instant f = ZoneDefinitions.instant(c.getValidity().hasValidFrom(), c.getValidity().getValidFrom());
            Instant u = ZoneDefinitions.instant(c.getValidity().hasValidUntil(), c.getValidity().getValidUntil());
            from = from == null || (f != null && f.isBefore(from)) ? f : from;
            if (u == null) {
                open = true;
            } else if (until == null || u.isAfter(until)) {
                until = u;
            }
            if (!c.hasConditions()) {
                continue;
            }
            var oc = c.getConditions();
            speed = oc.hasMaxSpeedMPerS() ? min(speed, oc.getMaxSpeedMPerS()) : speed;
            payload = oc.hasMaxPayloadKg() ? min(payload, oc.getMaxPayloadKg()) : payload;
            if (oc.getEnvironment() == io.robotid.proto.certification.v1.Environment.ENVIRONMENT_INDOOR_ONLY) {
                environment = Environment.INDOOR_ONLY;
            } else if (environment == null && oc.getEnvironment() == io.robotid.proto.certification.v1.Environment.ENVIRONMENT_INDOOR_AND_OUTDOOR) {
                environment = Environment.INDOOR_AND_OUTDOOR;
            }
            if (oc.hasPeopleNearbyAllowed()) {
                people = (people == null || people) && oc.getPeopleNearbyAllowed();
            }
            if (oc.getAllowedTaskCategoriesCount() > 0) {
                Set<String> these = new TreeSet<>(oc.getAllowedTaskCategoriesList().stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList());
                if (tasks == null) {
                    tasks = these;
                } else {
                    tasks.retainAll(these);
                }
            }
        }
        boolean noTask = tasks != null && tasks.isEmpty();
        return new CertifiedTier(tier, new OperatingConditions(speed, payload, environment, people, tasks == null ? Set.of() : tasks),
                from, open ? null : until, noTask);
    }

    private static Double min(Double a, double b) {
        return a == null ? b : Math.min(a, b);
    }
}
