package io.robotid.certification.domain;

import java.util.List;

/**
 * A regulator's accreditation of a certification body as it was asked for (AccreditBody), before the field rules:
 * the body's id, name, country, the tiers and the standards it may certify in. The tiers are proto values, so that
 * TIER_UNSPECIFIED and unknown numbers are told apart by the rules, not by the transport.
 */
public record Accreditation(String bodyId, String name, String country,
        List<io.robotid.proto.certification.v1.Tier> tiers, List<String> standards) {
}
