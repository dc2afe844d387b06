package io.robotid.certification.domain;

/** ACTIVE <-> SUSPENDED; either -> REVOKED (terminal). Expiry is not a state: it follows from validity. */
public enum CertificateState {
    ACTIVE(io.robotid.proto.certification.v1.CertificateState.CERTIFICATE_STATE_ACTIVE),
    SUSPENDED(io.robotid.proto.certification.v1.CertificateState.CERTIFICATE_STATE_SUSPENDED),
    REVOKED(io.robotid.proto.certification.v1.CertificateState.CERTIFICATE_STATE_REVOKED);

    private final io.robotid.proto.certification.v1.CertificateState proto;

    CertificateState(io.robotid.proto.certification.v1.CertificateState proto) {
        this.proto = proto;
    }

    public io.robotid.proto.certification.v1.CertificateState proto() {
        return proto;
    }

    public static CertificateState of(io.robotid.proto.certification.v1.CertificateState proto) {
        for (CertificateState s : values()) {
            if (s.proto == proto) {
                return s;
            }
        }
        return null;
    }

    public static CertificateState parse(String text) {
        String name = Names.strip(text, "CERTIFICATE_STATE_");
        for (CertificateState s : values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }
}
