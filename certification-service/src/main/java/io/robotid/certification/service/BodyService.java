package io.robotid.certification.service;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.robotid.certification.domain.Accreditation;
import io.robotid.certification.domain.CertificationBody;
import io.robotid.certification.domain.CertificationSeals;
import io.robotid.certification.domain.Tier;
import io.robotid.certification.repository.BodyRepository;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.robotid.certification.domain.LogKeys;
import io.robotid.kit.tlog.TransparencyLog;
import io.smallrye.mutiny.Uni;

/** Accreditation of certification bodies (regulators), and the scope a body may certify in. */
@ApplicationScoped
public class BodyService {
    public static final int MAX_NAME = 300;
    public static final int MAX_STANDARDS = 50;
    public static final int MAX_STANDARD = 100;
    static final Pattern BODY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private final BodyRepository bodies;

    private final TransparencyLog log;

    public BodyService(BodyRepository bodies, TransparencyLog log) {
        this.log = log;
        this.bodies = bodies;
    }

    /** Accredits a body, or changes its accreditation (the next version); answers the body as accredited now. */
    @WithTransaction
    public Uni<CertificationBody> accredit(WriteContext context, Accreditation accreditation) {
        context.caller().requireAnyRole(Role.REGULATOR);
        Violations v = new Violations();
        String bodyId = bodyId("body_id", accreditation.bodyId(), v);
        String name = v.requiredText("name", accreditation.name(), MAX_NAME);
        String country = v.country("country", accreditation.country());
        v.count("tiers", accreditation.tiers().size(), 1, Tier.values().length);
        Set<Tier> tiers = EnumSet.noneOf(Tier.class);
        for (int i = 0; i < accreditation.tiers().size(); i++) {
            Tier tier = Tier.of(accreditation.tiers().get(i));
            if (tier == null) {
                v.add("tiers[" + i + "]", "must be a tier such as TIER_BASE_SAFETY (not TIER_UNSPECIFIED)");
            } else if (!tiers.add(tier)) {
                v.add("tiers[" + i + "]", "repeats " + tier.proto().name());
            }
        }
        List<String> standards = standards("standards", accreditation.standards(), MAX_STANDARDS, v);
        v.throwIfAny();

        return bodies.findForUpdate(bodyId).chain(existing -> {
            CertificationBody body = existing == null ? new CertificationBody() : existing;
            body.bodyId = bodyId;
            body.name = name;
            body.country = country;
            body.tiers = tiers.stream().map(Enum::name).toArray(String[]::new);
            body.standards = standards.toArray(new String[0]);
            body.accreditationVersion = existing == null ? 1 : existing.accreditationVersion + 1;
            body.accredited = context.stamp();
            CertificationSeals.seal(body);
            return (existing == null ? bodies.persist(body) : Uni.createFrom().item(body))
                    .call(saved -> log.appendInSession(LogKeys.leaf(saved)));
        });
    }

    @WithSession
    public Uni<CertificationBody> get(String bodyIdText) {
        Violations v = new Violations();
        String bodyId = bodyId("body_id", bodyIdText, v);
        v.throwIfAny();
        return bodies.findById(bodyId)
                .onItem().ifNull().failWith(() -> DomainException.notFound("certification_body", bodyId));
    }

    /**
     * The caller's accredited body, if {@code tier} and every standard are in its scope; else
     * PERMISSION_DENIED naming what is outside it.
     *
     * @param standards normalized (see {@link CertificationBody#normalizeStandard})
     */
    @WithSession
    public Uni<CertificationBody> requireScope(CallerIdentity caller, Tier tier, List<String> standards) {
        String bodyId = callersBody(caller);
        return bodies.findById(bodyId).map(body -> {
            if (body == null) {
                throw DomainException.permissionDenied("BODY_NOT_ACCREDITED", "certification body " + bodyId
                        + " (token claim certification_body_id) is not accredited; a regulator accredits bodies");
            }
            if (!body.tierSet().contains(tier)) {
                throw DomainException.permissionDenied("OUTSIDE_ACCREDITATION_SCOPE", "certification body " + bodyId
                        + " is not accredited for tier " + tier.proto().name() + " (its tiers: "
                        + body.tierSet().stream().map(t -> t.proto().name()).toList() + ")");
            }
            for (String standard : standards) {
                if (body.standardInScope(standard).isEmpty()) {
                    throw DomainException.permissionDenied("OUTSIDE_ACCREDITATION_SCOPE", "certification body " + bodyId
                            + " is not accredited for standard '" + standard + "' (its standards: "
                            + String.join(", ", body.standards) + ")");
                }
            }
            return body;
        });
    }

    /** The body a CERTIFICATION_BODY caller acts for (its token's certification_body_id claim). */
    public static String callersBody(CallerIdentity caller) {
        caller.requireAnyRole(Role.CERTIFICATION_BODY);
        return caller.certificationBodyId().orElseThrow(() -> DomainException.permissionDenied(
                "NO_CERTIFICATION_BODY_ID", "the token carries no certification_body_id claim"));
    }

    static String bodyId(String field, String value, Violations v) {
        String id = value == null ? "" : value.trim();
        if (id.isEmpty()) {
            v.add(field, "is required");
        } else if (!BODY_ID.matcher(id).matches()) {
            v.add(field, "must be 1..64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return id;
    }

    /** 1..max distinct standards of 1..100 characters, white space collapsed; returns them normalized. */
    static List<String> standards(String field, List<String> values, int max, Violations v) {
        v.count(field, values.size(), 1, max);
        Set<String> seen = new LinkedHashSet<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < values.size() && i < max; i++) {
            String standard = CertificationBody.normalizeStandard(values.get(i));
            String item = field + "[" + i + "]";
            if (standard.isEmpty()) {
                v.add(item, "is required (e.g. ISO 13482:2014)");
            } else if (standard.codePointCount(0, standard.length()) > MAX_STANDARD) {
                v.add(item, "must be at most " + MAX_STANDARD + " characters");
            } else if (standard.chars().anyMatch(Character::isISOControl)) {
                v.add(item, "must not contain control characters");
            } else if (!seen.add(standard.toUpperCase(Locale.ROOT))) {
                v.add(item, "repeats '" + standard + "'");
            } else {
                out.add(standard);
            }
        }
        return out;
    }
}
