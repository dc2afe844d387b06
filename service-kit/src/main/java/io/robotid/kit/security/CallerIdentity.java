package io.robotid.kit.security;

import java.security.Principal;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.kit.error.DomainException;

/**
 * Who is calling, read once from the OIDC token: subject, roles ({@code groups}) and the
 * organisation claims that bind the caller to what it may touch. Services decide with this value
 * only, never with the raw token, so the rules can be tested without one.
 */
public final class CallerIdentity {

    /** A caller without a token (public calls only). */
    public static final CallerIdentity ANONYMOUS = new CallerIdentity("anonymous", Set.of(), Map.of());

    private final String subject;
    private final Set<Role> roles;
    private final Map<OrganisationClaim, String> organisations;

    public CallerIdentity(String subject, Set<Role> roles, Map<OrganisationClaim, String> organisations) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.roles = roles.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(roles));
        this.organisations = organisations.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new EnumMap<>(organisations));
    }

    /**
     * The attribute under which an identity may carry its caller, read once when its token was verified
     * (the kit's token cache does): reading custom claims through smallrye-jwt costs an exception each
     * ({@code Claims.valueOf} of a name that is not a standard claim), which is not paid on every call.
     */
    public static final String ATTRIBUTE = "robotid.caller";

    /** Reads the identity Quarkus established for this call (roles come from the {@code groups} claim). */
    public static CallerIdentity from(SecurityIdentity identity) {
        return identity != null && identity.getAttribute(ATTRIBUTE) instanceof CallerIdentity known ? known : read(identity);
    }

    /** Reads the caller from the identity's roles and token claims, ignoring any caller it carries. */
    public static CallerIdentity read(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return ANONYMOUS;
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : identity.getRoles()) {
            Arrays.stream(Role.values()).filter(r -> r.name().equals(name)).findFirst().ifPresent(roles::add);
        }
        Map<OrganisationClaim, String> organisations = new EnumMap<>(OrganisationClaim.class);
        Principal principal = identity.getPrincipal();
        if (principal instanceof JsonWebToken jwt) {
            for (OrganisationClaim claim : OrganisationClaim.values()) {
                Object value = jwt.getClaim(claim.claimName());
                String text = claimText(value);
                if (text != null && !text.isBlank()) {
                    organisations.put(claim, text.trim());
                }
            }
        }
        String subject = principal == null || principal.getName() == null ? "unknown" : principal.getName();
        return new CallerIdentity(subject, roles, organisations);
    }

    private static String claimText(Object value) {
        if (value == null) {
            return null;
        }
        // JSON string claims arrive as jakarta.json.JsonString, whose toString() is quoted.
        if (value instanceof jakarta.json.JsonString json) {
            return json.getString();
        }
        return value.toString();
    }

    public String subject() {
        return subject;
    }

    public Set<Role> roles() {
        return roles;
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    public boolean hasAny(Role... candidates) {
        return Arrays.stream(candidates).anyMatch(roles::contains);
    }

    public Optional<String> organisation(OrganisationClaim claim) {
        return Optional.ofNullable(organisations.get(claim));
    }

    public Optional<String> manufacturerCode() {
        return organisation(OrganisationClaim.MANUFACTURER_CODE);
    }

    public Optional<String> certificationBodyId() {
        return organisation(OrganisationClaim.CERTIFICATION_BODY_ID);
    }

    public Optional<String> orgId() {
        return organisation(OrganisationClaim.ORG_ID);
    }

    public Optional<String> robotId() {
        return organisation(OrganisationClaim.ROBOT_ID);
    }

    /** The role recorded in audit stamps: the first held, in {@link Role} order; empty if none. */
    public String auditRole() {
        return roles.isEmpty() ? "" : roles.iterator().next().name();
    }

    /** The organisation recorded in audit stamps, e.g. {@code manufacturer_code:A1B2}; empty if none. */
    public String auditOrganisation() {
        return organisations.entrySet().stream()
                .map(e -> e.getKey().claimName() + ":" + e.getValue())
                .collect(Collectors.joining(","));
    }

    /** Refuses a caller that holds none of the roles. */
    public void requireAnyRole(Role... allowed) {
        if (!hasAny(allowed)) {
            throw DomainException.permissionDenied("ROLE_NOT_ALLOWED",
                    "this call needs one of the roles " + Arrays.toString(allowed));
        }
    }

    /**
     * Refuses anyone but a MANUFACTURER whose {@code manufacturer_code} claim is {@code code}:
     * manufacturers act for themselves only.
     */
    public void requireManufacturer(String code) {
        if (!actsForManufacturer(code)) {
            throw DomainException.permissionDenied("NOT_CALLERS_MANUFACTURER",
                    "a manufacturer may act only for itself (token manufacturer_code "
                            + manufacturerCode().orElse("<none>") + ", requested " + code + ")");
        }
    }

    /** True when the caller is a MANUFACTURER acting for manufacturer {@code code}. */
    public boolean actsForManufacturer(String code) {
        return has(Role.MANUFACTURER) && manufacturerCode().map(c -> c.equalsIgnoreCase(code)).orElse(false);
    }

    @Override
    public String toString() {
        return "CallerIdentity[" + subject + " " + roles + " " + auditOrganisation() + "]";
    }
}
