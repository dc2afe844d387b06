package io.robotid.certification.rest;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.certification.grpc.CertificationMessages;
import io.robotid.certification.service.CertificationProtos;
import io.robotid.certification.service.TestResultService;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.FieldViolation;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.certification.v1.SubmitTestResultResponse;
import io.smallrye.mutiny.Uni;

/**
 * Certification bodies post test results as JSON: the same rules, scope checks and idempotency
 * record as gRPC SubmitTestResult (a retry over either transport gets the same answer).
 */
@Path("/api/v1/test-results")
@Authenticated
@Tag(name = "test results")
public class TestResultsResource {
    private final TestResultService results;
    private final SecurityIdentity identity;
    private final Clock clock;

    public TestResultsResource(TestResultService results, SecurityIdentity identity, Clock clock) {
        this.results = results;
        this.identity = identity;
        this.clock = clock;
    }

    @POST
    @RolesAllowed(Role.Names.CERTIFICATION_BODY)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({ MediaType.APPLICATION_JSON, "application/problem+json" })
    @Operation(summary = "Post a test result", description = "A body (token role CERTIFICATION_BODY with a"
            + " certification_body_id claim) posts a result for a model or a unit within its accreditation scope."
            + " PASS and PASS_WITH_CONDITIONS answer the certificate (Location /api/v1/certificates/{id}); FAIL answers"
            + " the recorded result (Location /api/v1/test-results/{id}). Idempotent by request_id or Idempotency-Key.")
    @APIResponse(responseCode = "201", description = "The certificate (a pass) or the test result (a FAIL)",
            headers = @Header(name = "Location", description = "Where the certificate or result is read"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {
                    RestViews.CertificateView.class, RestViews.TestResultView.class })))
    @APIResponse(responseCode = "400", description = "A field breaks a rule (every broken rule is listed in errors)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "403", description = "Not a certification body, not accredited, or outside its"
            + " accreditation scope (reason OUTSIDE_ACCREDITATION_SCOPE)",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "404", description = "The model or robot does not exist",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "409", description = "The robot is retired, or a concurrent request with the same id",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "503", description = "filing-service or identity-service cannot confirm the subject",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    public Uni<Response> submit(
            @Parameter(in = ParameterIn.HEADER, description = "UUID; instead of (or equal to) request_id")
            @HeaderParam("Idempotency-Key") String idempotencyKey,
            RestViews.TestResultInput input) {
        return Uni.createFrom().deferred(() -> {
            if (input == null) {
                throw DomainException.invalidArgument("body", "is required: a JSON test result");
            }
            Violations requestIdRules = new Violations();
            String requestId = requestId(input.requestId(), idempotencyKey, requestIdRules);
            RestInput.Converted converted = RestInput.testResult(input, requestId);
            allRulesAtOnce(requestIdRules, converted, clock.instant());
            WriteContext context = WriteContext.of(CallerIdentity.from(identity), requestId, TestResultService.OPERATION,
                    clock);
            // the same request message and answer as gRPC: a retry over either transport gets the stored answer
            return results.submit(context, identity.getCredential(AccessTokenCredential.class).getToken(),
                    converted.request(), CertificationMessages::posted, SubmitTestResultResponse.parser(),
                    CertificationMessages::submitted);
        }).map(answer -> answer.hasCertificate()
                ? Response.created(URI.create("/api/v1/certificates/" + answer.getCertificate().getCertificateId()))
                        .entity(RestViews.CertificateView.of(answer.getCertificate())).build()
                : Response.created(URI.create("/api/v1/test-results/" + answer.getResult().getResultId()))
                        .entity(RestViews.TestResultView.of(answer.getResult())).build());
    }

    @GET
    @Path("/{resultId}")
    @Produces({ MediaType.APPLICATION_JSON, "application/problem+json" })
    @Operation(summary = "Read a test result", description = "Visible to regulators, auditors, the body that posted it"
            + " and the subject's manufacturer; to anyone else it does not exist (404).")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RestViews.TestResultView.class)))
    @APIResponse(responseCode = "400", description = "result_id is not a UUID",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    @APIResponse(responseCode = "404", description = "No such result, or not visible to the caller",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemView.class)))
    public Uni<RestViews.TestResultView> get(@PathParam("resultId") String resultId) {
        return Uni.createFrom().deferred(() -> results.get(CallerIdentity.from(identity), resultId))
                .map(result -> RestViews.TestResultView.of(CertificationProtos.result(result)));
    }

    /**
     * request_id, or the Idempotency-Key header; both may be given only when equal. A broken rule
     * goes to {@code v} (naming the field that was sent) and null is returned.
     */
    private static String requestId(String fromBody, String header, Violations v) {
        String body = fromBody == null || fromBody.isBlank() ? null : fromBody.trim();
        String key = header == null || header.isBlank() ? null : header.trim();
        if (body != null && key != null && !body.equalsIgnoreCase(key)) {
            v.add("Idempotency-Key", "must equal request_id when both are given (request_id " + body + ")");
            return null;
        }
        if (body == null && key == null) {
            v.add("request_id",
                    "is required (a UUID chosen by the client, reused on retries), or send an Idempotency-Key header");
            return null;
        }
        String chosen = body != null ? body : key;
        try {
            WriteContext.parseRequestId(chosen);
        } catch (DomainException e) {
            v.add(body != null ? "request_id" : "Idempotency-Key",
                    "must be a UUID such as 3f1c2d9e-8a4b-4c6d-9e2f-1a2b3c4d5e6f");
            return null;
        }
        return chosen;
    }

    /** The request id, unreadable values and the request's own rules in one answer, each field once. */
    private static void allRulesAtOnce(Violations requestIdRules, RestInput.Converted converted, Instant now) {
        List<FieldViolation> all = new ArrayList<>(requestIdRules.list());
        all.addAll(converted.unreadable().list());
        List<String> reported = RestInput.fields(converted.unreadable());
        try {
            TestResultService.validate(CertificationMessages.posted(converted.request()), now);
        } catch (DomainException rules) {
            rules.violations().stream().filter(f -> !reported.contains(f.field())).forEach(all::add);
        }
        if (!all.isEmpty()) {
            throw DomainException.invalidArgument(all);
        }
    }
}
