package io.robotid.certification.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.certification.grpc.CertificationMessages;
import io.robotid.certification.service.EffectiveService;
import io.robotid.kit.validation.Violations;
import io.smallrye.mutiny.Uni;

/** A robot's effective certifications (the same answer as GetEffectiveCertifications). */
@Path("/api/v1/robots")
@Authenticated
@Tag(name = "effective certifications")
public class RobotsResource {
    private final EffectiveService effective;
    private final SecurityIdentity identity;

    public RobotsResource(EffectiveService effective, SecurityIdentity identity) {
        this.effective = effective;
        this.identity = identity;
    }

    @GET
    @Path("/{robotId}/effective-certifications")
    @Produces({ MediaType.APPLICATION_JSON, "application/problem+json" })
    @Operation(summary = "What a robot is certified for at an instant", description = "Model-level and unit-level"
            + " certificates combined with the tightest conditions; expired (valid_until is exclusive), not yet valid,"
            + " suspended, revoked and re-validation-pending ones excluded and listed; what DESIGN.md section 6"
            + " requires that is missing.")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RestViews.EffectiveView.class)))
    @APIResponse(responseCode = "400", description = "robotId or at is malformed",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "404", description = "No such robot was issued",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "503", description = "identity-service or filing-service cannot be reached",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    public Uni<RestViews.EffectiveView> effective(
            @Parameter(description = "The 29-character robot ID, any case, hyphens allowed") @PathParam("robotId") String robotId,
            @Parameter(description = "RFC 3339 instant; default now", schema = @Schema(format = "date-time"))
            @QueryParam("at") String at) {
        return Uni.createFrom().deferred(() -> {
            Violations v = new Violations();
            var instant = RestInput.time("at", at, v);
            v.throwIfAny();
            return effective.effective(identity.getCredential(AccessTokenCredential.class).getToken(), robotId, instant);
        }).map(answer -> RestViews.EffectiveView.of(CertificationMessages.effective(answer)));
    }
}
