package io.robotid.kit.tlog;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Readiness details of the transparency log: its size, the size the witness quorum cosigned and each
 * witness that did not cosign and why. A missed quorum does not make the service unready (writes go on
 * and the last cosigned checkpoint is served); the details say so.
 */
@Readiness
@Singleton
public class TlogReadiness implements AsyncHealthCheck {
    @Inject
    TransparencyLog log;

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!log.enabled()) {
            return Uni.createFrom().item(HealthCheckResponse.named("transparency-log").up().withData("enabled", false).build());
        }
        return log.status().map(s -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("transparency-log").up()
                    .withData("origin", s.origin()).withData("size", s.size()).withData("cosigned_size", s.cosignedSize())
                    .withData("quorum", s.size() == s.cosignedSize() ? "met" : "waiting or missed");
            s.witnesses().forEach((w, why) -> b.withData("witness " + w, why));
            return b.build();
        }).onFailure().recoverWithItem(f -> HealthCheckResponse.named("transparency-log").down()
                .withData("error", f.toString()).build());
    }
}
