package io.robotid.kit.security;

import java.util.HashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Keycloak's Group Membership mapper writes full group paths by default ({@code "groups":["/REGULATOR"]});
 * a top-level group whose name is a registry role counts as that role. Nested groups
 * ({@code /acme/REGULATOR}) do not: only a realm administrator creates top-level groups. Runs before the
 * cache of verified tokens stores the identity, so a cached identity has the roles too.
 */
@ApplicationScoped
public class GroupPathRoles implements SecurityIdentityAugmentor {
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        return Uni.createFrom().item(withRoleNames(identity));
    }

    static SecurityIdentity withRoleNames(SecurityIdentity identity) {
        if (identity.isAnonymous()) {
            return identity;
        }
        Set<String> roles = new HashSet<>();
        for (String group : identity.getRoles()) {
            String name = roleOfPath(group);
            if (name != null && !identity.hasRole(name)) {
                roles.add(name);
            }
        }
        return roles.isEmpty() ? identity : QuarkusSecurityIdentity.builder(identity).addRoles(roles).build();
    }

    /** The role a top-level group path names ({@code /REGULATOR}), or null. */
    static String roleOfPath(String group) {
        if (group.length() < 2 || group.charAt(0) != '/' || group.indexOf('/', 1) >= 0) {
            return null;
        }
        String name = group.substring(1);
        for (Role role : Role.values()) {
            if (role.name().equals(name)) {
                return name;
            }
        }
        return null;
    }
}
