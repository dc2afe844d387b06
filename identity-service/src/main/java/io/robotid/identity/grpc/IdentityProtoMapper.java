package io.robotid.identity.grpc;

import java.time.Instant;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;

import io.robotid.identity.domain.IssuedIdentity;
import io.robotid.evidence.format.IdentityCertificates;
import io.robotid.identity.service.SigningKeyRing;
import io.robotid.evidence.crypto.Ed25519;
import io.robotid.proto.identity.v1.Identity;
import io.robotid.proto.identity.v1.IdentityCertificate;
import io.robotid.proto.identity.v1.IdentityStatus;
import io.robotid.proto.identity.v1.SigningKey;

/** Domain to proto, nothing else. */
final class IdentityProtoMapper {
    private IdentityProtoMapper() {
    }

    static Identity toProto(IssuedIdentity identity) {
        var id = identity.robotId();
        Identity.Builder b = Identity.newBuilder()
                .setRobotId(id.canonical())
                .setDisplayForm(id.displayForm())
                .setOrigin(id.origin())
                .setManufacturerCode(id.manufacturerCode())
                .setModelCode(id.modelCode())
                .setProductionYear(id.productionYear())
                .setSiteCode(id.siteCode())
                .setSequence(id.sequence())
                .setStatus(IdentityStatus.valueOf("IDENTITY_STATUS_" + identity.status().name()))
                .setBatchRequestId(identity.batchRequestId().toString())
                .setCertificate(IdentityCertificate.newBuilder()
                        .setKeyId(identity.keyId())
                        .setAlgorithm(Ed25519.ALGORITHM)
                        .setIssuedAt(timestamp(identity.issuedAt()))
                        .setSignature(ByteString.copyFrom(identity.signature()))
                        .setText(IdentityCertificates.text(identity.keyId(), identity.issuedAt(), identity.signature())));
        if (identity.hardwareSerial() != null) {
            b.setHardwareSerial(identity.hardwareSerial());
        }
        return b.build();
    }

    static SigningKey toProto(SigningKeyRing.PublicKeyRecord key, String activeKeyId) {
        SigningKey.Builder b = SigningKey.newBuilder()
                .setKeyId(key.keyId())
                .setAlgorithm(Ed25519.ALGORITHM)
                .setPublicKey(ByteString.copyFrom(key.publicKey()))
                .setValidFrom(timestamp(key.validFrom()))
                .setActive(key.keyId().equals(activeKeyId) && key.signingUntil() == null);
        if (key.signingUntil() != null) {
            b.setSigningUntil(timestamp(key.signingUntil()));
        }
        return b.build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
