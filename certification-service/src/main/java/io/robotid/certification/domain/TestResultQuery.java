package io.robotid.certification.domain;

/**
 * Which test results to list (ListTestResults), as the caller gave it, before the field rules. Every filter is
 * optional: a blank subject or OUTCOME_UNSPECIFIED is "any". The outcome is a proto value, so that an unset filter
 * and an unknown number are told apart by the rules.
 *
 * @param pageSize  0: the default
 * @param pageToken blank: the first page
 */
public record TestResultQuery(String subject, io.robotid.proto.certification.v1.Outcome outcome, int pageSize,
        String pageToken) {
}
