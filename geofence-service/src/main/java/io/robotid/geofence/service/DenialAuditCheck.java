package io.robotid.geofence.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check "denial-audit": how many denials wait to be written, how many were written and dropped;
 * DOWN while denials are being dropped (the queue is full: PostgreSQL does not keep up), so that an
 * operator sees it rather than losing them silently.
 */
@Readiness
@ApplicationScoped
public class DenialAuditCheck implements HealthCheck {
    private final DenialLog denials;

    public DenialAuditCheck(DenialLog denials) {
        this.denials = denials;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("denial-audit").status(!denials.droppingRecently())
                .withData("waiting", denials.waiting()).withData("limit", denials.limit())
                .withData("written", denials.written()).withData("dropped", denials.dropped()).build();
    }
}
