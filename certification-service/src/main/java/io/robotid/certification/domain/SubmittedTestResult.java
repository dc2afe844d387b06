package io.robotid.certification.domain;

import java.time.Instant;

/**
 * A test result as it was stored, and for a pass the certificate it became.
 *
 * @param certificate null for a FAIL
 * @param at          the instant of the submission (a certificate's {@code expired} is shown as of then)
 */
public record SubmittedTestResult(TestResultRecord result, CertificateRecord certificate, Instant at) {
}
