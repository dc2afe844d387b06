package io.robotid.geofence.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.robotid.geofence.domain.Finding;

/**
 * What does not check out of what this service loaded (EVIDENCE.md sections 5, 6.6 and 7): a broken
 * policy log stops checks and bundles; a stored feed projection row that does not check out is not
 * loaded (its robot is then unknown, so its checks are denied) until the row is repaired.
 */
@ApplicationScoped
public class EvidenceIntegrity {
    private static final Logger LOG = Logger.getLogger(EvidenceIntegrity.class);

    private final PolicyStore policy;
    private volatile List<Finding> projectionProblems = List.of();

    public EvidenceIntegrity(PolicyStore policy) {
        this.policy = policy;
    }

    /** Null while the policy log checks out. */
    public String policyProblem() {
        return policy.integrityProblem();
    }

    /** The stored projection rows that did not check out when loaded. */
    public List<Finding> projectionProblems() {
        return projectionProblems;
    }

    void projections(List<Finding> problems) {
        projectionProblems = List.copyOf(problems);
        problems.forEach(p -> LOG.errorf("a stored feed projection does not check out and is not loaded: %s", p));
    }

    /** Readiness check "evidence": DOWN, naming what, while anything loaded does not check out. */
    @Readiness
    @ApplicationScoped
    public static class Check implements HealthCheck {
        private final EvidenceIntegrity integrity;

        public Check(EvidenceIntegrity integrity) {
            this.integrity = integrity;
        }

        @Override
        public HealthCheckResponse call() {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("evidence");
            String policyProblem = integrity.policyProblem();
            List<Finding> projections = integrity.projectionProblems();
            if (policyProblem != null) {
                b.withData("policy_log", policyProblem);
            }
            if (!projections.isEmpty()) {
                b.withData("projections", String.join("; ", projections.stream().map(Finding::toString).toList()));
            }
            return b.status(policyProblem == null && projections.isEmpty()).build();
        }
    }
}
