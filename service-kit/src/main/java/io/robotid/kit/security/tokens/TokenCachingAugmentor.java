package io.robotid.kit.security.tokens;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;

/** Keeps each identity quarkus-oidc has just made of a bearer token in {@link VerifiedTokens}. */
@ApplicationScoped
public class TokenCachingAugmentor implements SecurityIdentityAugmentor {
    private final VerifiedTokens tokens;

    public TokenCachingAugmentor(VerifiedTokens tokens) {
        this.tokens = tokens;
    }

    /** Last: the identity as every other augmentor left it. */
    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        tokens.remember(identity);
        return Uni.createFrom().item(identity);
    }
}
