package io.robotid.certification.domain;

/** Where a robot may operate; INDOOR_ONLY is the tighter. */
public enum Environment {
    INDOOR_ONLY(io.robotid.proto.certification.v1.Environment.ENVIRONMENT_INDOOR_ONLY),
    INDOOR_AND_OUTDOOR(io.robotid.proto.certification.v1.Environment.ENVIRONMENT_INDOOR_AND_OUTDOOR);

    private final io.robotid.proto.certification.v1.Environment proto;

    Environment(io.robotid.proto.certification.v1.Environment proto) {
        this.proto = proto;
    }

    public io.robotid.proto.certification.v1.Environment proto() {
        return proto;
    }

    public static Environment of(io.robotid.proto.certification.v1.Environment proto) {
        for (Environment e : values()) {
            if (e.proto == proto) {
                return e;
            }
        }
        return null;
    }

    public static Environment parse(String text) {
        String name = Names.strip(text, "ENVIRONMENT_");
        for (Environment e : values()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
