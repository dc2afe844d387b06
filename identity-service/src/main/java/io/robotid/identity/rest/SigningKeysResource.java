package io.robotid.identity.rest;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import io.robotid.identity.service.SigningKeyRing;
import io.robotid.evidence.crypto.Ed25519;
import io.smallrye.mutiny.Uni;

/**
 * The identity signing keys as an RFC 7517 JWK set of RFC 8037 OKP/Ed25519 keys, for verifiers
 * (QR label apps, offline checkers) that speak HTTP rather than gRPC. Public.
 */
@Path("/api/v1/signing-keys")
@PermitAll
public class SigningKeysResource {
    private final SigningKeyRing keys;

    public SigningKeysResource(SigningKeyRing keys) {
        this.keys = keys;
    }

    @GET
    @Path("/jwks.json")
    @Produces({ "application/jwk-set+json", "application/json" })
    public Uni<Map<String, List<Map<String, String>>>> jwks() {
        return keys.publishedKeys().map(all -> Map.of("keys", all.stream()
                .map(key -> Ed25519.jwk(key.keyId(), key.publicKey()))
                .toList()));
    }
}
