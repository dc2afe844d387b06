package io.robotid.testkit;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Real RS256 tokens signed with the key whose public half the test OIDC server
 * (quarkus-test-oidc-server, WireMock) publishes in its JWKS, so quarkus-oidc verifies them exactly
 * as it verifies a production provider's tokens.
 */
public final class Tokens {
    public static final String ISSUER = "https://server.example.com";
    public static final String AUDIENCE = "robotid";
    private static final String SIGNING_KEY = "privateKey.jwk";

    private Tokens() {
    }

    public static String regulator() {
        return token("regulator-1", "REGULATOR", null, null);
    }

    public static String auditor() {
        return token("auditor-1", "AUDITOR", null, null);
    }

    public static String manufacturer(String code) {
        return token("erp-" + code, "MANUFACTURER", "manufacturer_code", code);
    }

    /** An operator organisation's token. */
    public static String operator(String org) {
        return token("operator-" + org, "OPERATOR", "org_id", org);
    }

    /** A robot's own token. */
    public static String robot(String robotId) {
        return token("robot-" + robotId, "ROBOT", "robot_id", robotId);
    }

    /** A zone authority's token. */
    public static String zoneAuthority(String org) {
        return token("authority-" + org, "ZONE_AUTHORITY", "org_id", org);
    }

    /** An accredited certification body's token. */
    public static String certificationBody(String bodyId) {
        return token("body-" + bodyId, "CERTIFICATION_BODY", "certification_body_id", bodyId);
    }

    public static String role(String role) {
        return token(role.toLowerCase() + "-1", role, null, null);
    }

    public static String token(String subject, String role, String claim, String value) {
        JwtClaimsBuilder claims = base(subject, role);
        if (claim != null) {
            claims.claim(claim, value);
        }
        return claims.jws().keyId("1").sign(SIGNING_KEY);
    }

    public static String expired(String role) {
        long now = System.currentTimeMillis() / 1000;
        return base("late", role).issuedAt(now - 7200).expiresAt(now - 3600).jws().keyId("1").sign(SIGNING_KEY);
    }

    /** A valid token of {@code role} that expires {@code seconds} from now. */
    public static String expiringIn(String role, long seconds) {
        long now = System.currentTimeMillis() / 1000;
        return base("brief-" + role.toLowerCase(), role).issuedAt(now).expiresAt(now + seconds).jws().keyId("1")
                .sign(SIGNING_KEY);
    }

    public static String wrongAudience(String role) {
        return Jwt.issuer(ISSUER).audience("someone-else").subject("x").groups(Set.of(role)).expiresIn(300)
                .jws().keyId("1").sign(SIGNING_KEY);
    }

    /** Same claims, signed by a key the provider never published. */
    public static String forged(String role) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return base("forger", role).jws().keyId("1").sign(pair.getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JwtClaimsBuilder base(String subject, String role) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).groups(Set.of(role)).expiresIn(300);
    }
}
