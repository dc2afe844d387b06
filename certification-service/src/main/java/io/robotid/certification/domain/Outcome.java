package io.robotid.certification.domain;

/** What a test found. A pass (with or without conditions) becomes a certificate. */
public enum Outcome {
    PASS(io.robotid.proto.certification.v1.Outcome.OUTCOME_PASS),
    FAIL(io.robotid.proto.certification.v1.Outcome.OUTCOME_FAIL),
    PASS_WITH_CONDITIONS(io.robotid.proto.certification.v1.Outcome.OUTCOME_PASS_WITH_CONDITIONS);

    private final io.robotid.proto.certification.v1.Outcome proto;

    Outcome(io.robotid.proto.certification.v1.Outcome proto) {
        this.proto = proto;
    }

    public io.robotid.proto.certification.v1.Outcome proto() {
        return proto;
    }

    public boolean passed() {
        return this != FAIL;
    }

    public static Outcome of(io.robotid.proto.certification.v1.Outcome proto) {
        for (Outcome o : values()) {
            if (o.proto == proto) {
                return o;
            }
        }
        return null;
    }

    public static Outcome parse(String text) {
        String name = Names.strip(text, "OUTCOME_");
        for (Outcome o : values()) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }
}
