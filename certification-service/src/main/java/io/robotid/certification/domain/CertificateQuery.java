package io.robotid.certification.domain;

/**
 * Which certificates to list (ListCertificates, GET /api/v1/certificates), as the caller gave it, before the field
 * rules. Every filter is optional: a blank text or an UNSPECIFIED value is "any". The enums are proto values, so
 * that an unset filter and an unknown number are told apart by the rules.
 *
 * @param pageSize  0: the default
 * @param pageToken blank: the first page
 */
public record CertificateQuery(String subject, io.robotid.proto.certification.v1.Tier tier, String bodyId,
        io.robotid.proto.certification.v1.CertificateState state, int pageSize, String pageToken) {
}
