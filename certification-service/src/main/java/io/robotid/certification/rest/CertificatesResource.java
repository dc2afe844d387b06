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

import io.quarkus.security.Authenticated;
import io.robotid.certification.domain.CertificateQuery;
import io.robotid.certification.domain.CertificateState;
import io.robotid.certification.domain.Tier;
import io.robotid.certification.service.CertificateService;
import io.robotid.kit.validation.Violations;
import io.smallrye.mutiny.Uni;

/** Certificates, for anyone authenticated (the same answers as GetCertificate and ListCertificates). */
@Path("/api/v1/certificates")
@Authenticated
@Tag(name = "certificates")
public class CertificatesResource {
    private final CertificateService certificates;

    public CertificatesResource(CertificateService certificates) {
        this.certificates = certificates;
    }

    @GET
    @Path("/{certificateId}")
    @Produces({ MediaType.APPLICATION_JSON, "application/problem+json" })
    @Operation(summary = "Read a certificate")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RestViews.CertificateView.class)))
    @APIResponse(responseCode = "400", description = "certificateId is not a UUID",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "404", description = "No such certificate",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    public Uni<RestViews.CertificateView> get(@PathParam("certificateId") String certificateId) {
        return Uni.createFrom().deferred(() -> certificates.get(certificateId)).map(RestViews.CertificateView::of);
    }

    @GET
    @Produces({ MediaType.APPLICATION_JSON, "application/problem+json" })
    @Operation(summary = "List certificates", description = "Oldest first, paged; every filter optional.")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RestViews.CertificateList.class)))
    @APIResponse(responseCode = "400", description = "A filter or the page is malformed",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    public Uni<RestViews.CertificateList> list(
            @Parameter(description = "A 6-character model code or a 29-character robot ID (exactly that subject)")
            @QueryParam("subject") String subject,
            @Parameter(description = "BASE_SAFETY, MOBILITY, MANIPULATION, PHYSICAL_INTERACTION, DATA_SECURITY, TASK_SPECIFIC or PUBLIC_SPACE")
            @QueryParam("tier") String tier,
            @Parameter(description = "The issuing body") @QueryParam("body_id") String bodyId,
            @Parameter(description = "ACTIVE, SUSPENDED or REVOKED") @QueryParam("state") String state,
            @Parameter(description = "1..500; default 50") @QueryParam("page_size") String pageSize,
            @Parameter(description = "next_page_token of the previous page") @QueryParam("page_token") String pageToken) {
        return Uni.createFrom().deferred(() -> {
            Violations v = new Violations();
            var tierFilter = io.robotid.proto.certification.v1.Tier.TIER_UNSPECIFIED;
            if (tier != null && !tier.isBlank()) {
                Tier parsed = Tier.parse(tier);
                if (parsed == null) {
                    v.add("tier", "must be one of " + RestViews.TIERS + ", got '" + tier + "'");
                } else {
                    tierFilter = parsed.proto();
                }
            }
            var stateFilter = io.robotid.proto.certification.v1.CertificateState.CERTIFICATE_STATE_UNSPECIFIED;
            if (state != null && !state.isBlank()) {
                CertificateState parsed = CertificateState.parse(state);
                if (parsed == null) {
                    v.add("state", "must be ACTIVE, SUSPENDED or REVOKED, got '" + state + "'");
                } else {
                    stateFilter = parsed.proto();
                }
            }
            int size = 0;
            if (pageSize != null && !pageSize.isBlank()) {
                try {
                    size = Integer.parseInt(pageSize.trim());
                } catch (NumberFormatException e) {
                    v.add("page_size", "must be a whole number from 1 to 500");
                }
            }
            v.throwIfAny();
            return certificates.list(new CertificateQuery(subject == null ? "" : subject, tierFilter,
                    bodyId == null ? "" : bodyId, stateFilter, size, pageToken == null ? "" : pageToken));
        }).map(page -> new RestViews.CertificateList(
                page.items().stream().map(RestViews.CertificateView::of).toList(), page.nextPageToken()));
    }
}
