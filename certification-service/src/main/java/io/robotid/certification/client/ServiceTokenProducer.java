package io.robotid.certification.client;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.oidc.client.OidcClient;
import io.robotid.kit.security.ServiceToken;

/** This service's own token (the kit's {@link ServiceToken}), from its quarkus-oidc-client. */
public class ServiceTokenProducer {
    @Produces
    @Singleton
    ServiceToken serviceToken(OidcClient oidc) {
        return new ServiceToken(oidc);
    }
}
