package io.robotid.certification.domain;

/** Certification tiers (DESIGN.md section 4); stored by name. */
public enum Tier {
    BASE_SAFETY(io.robotid.proto.certification.v1.Tier.TIER_BASE_SAFETY),
    MOBILITY(io.robotid.proto.certification.v1.Tier.TIER_MOBILITY),
    MANIPULATION(io.robotid.proto.certification.v1.Tier.TIER_MANIPULATION),
    PHYSICAL_INTERACTION(io.robotid.proto.certification.v1.Tier.TIER_PHYSICAL_INTERACTION),
    DATA_SECURITY(io.robotid.proto.certification.v1.Tier.TIER_DATA_SECURITY),
    TASK_SPECIFIC(io.robotid.proto.certification.v1.Tier.TIER_TASK_SPECIFIC),
    PUBLIC_SPACE(io.robotid.proto.certification.v1.Tier.TIER_PUBLIC_SPACE);

    private final io.robotid.proto.certification.v1.Tier proto;

    Tier(io.robotid.proto.certification.v1.Tier proto) {
        this.proto = proto;
    }

    public io.robotid.proto.certification.v1.Tier proto() {
        return proto;
    }

    /** The tier of a proto value, or null for UNSPECIFIED and unknown numbers. */
    public static Tier of(io.robotid.proto.certification.v1.Tier proto) {
        for (Tier tier : values()) {
            if (tier.proto == proto) {
                return tier;
            }
        }
        return null;
    }

    /** Accepts {@code BASE_SAFETY} or {@code TIER_BASE_SAFETY}, any case; null if neither. */
    public static Tier parse(String text) {
        String name = Names.strip(text, "TIER_");
        for (Tier tier : values()) {
            if (tier.name().equals(name)) {
                return tier;
            }
        }
        return null;
    }
}
