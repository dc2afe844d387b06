package io.robotid.identity.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.identity.page.PublicReports;
import io.robotid.identity.page.QrCodes;
import io.robotid.identity.page.RobotPage;
import io.robotid.identity.page.RobotPages;
import io.robotid.identity.service.IdentityQueries;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.kit.error.FieldViolation;
import io.robotid.kit.error.GrpcErrors;
import io.robotid.kit.error.Problem;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;

/**
 * The public robot page (DESIGN.md section 7): {@code GET /r/{id}} (HTML, or JSON to
 * {@code Accept: application/json}), {@code GET /r/{id}/qr.png} (the label's QR code) and
 * {@code POST /r/{id}/report} (a problem reported by anyone). Public; a bearer token, when sent,
 * is forwarded to lifecycle-service, which decides what custody the viewer sees.
 */
@Path("/")
@PermitAll
public class RobotPageResource {
    private static final Logger LOG = Logger.getLogger(RobotPageResource.class);
    static final String HTML = MediaType.TEXT_HTML + ";charset=UTF-8";
    static final String CSS;
    static {
        try (InputStream in = RobotPageResource.class.getResourceAsStream("/resolver/page.css")) {
            CSS = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final RobotPages pages;
    private final PublicReports reports;
    private final SecurityIdentity identity;
    private final Template page;
    private final Template report;

    public RobotPageResource(RobotPages pages, PublicReports reports, SecurityIdentity identity,
            @Location("robot-page.html") Template page, @Location("report.html") Template report) {
        this.pages = pages;
        this.reports = reports;
        this.identity = identity;
        this.page = page;
        this.report = report;
    }

    @GET
    @Path("/r/{id}")
    public Uni<Response> page(@RestPath String id, @RestQuery("c") String certificate,
            @HeaderParam("Accept") String accept) {
        boolean json = wantsJson(accept);
        return pages.page(id, certificate, viewer()).map(p -> {
            if (json) {
                if (p.verdict().httpStatus >= 400) {
                    return Response.status(p.verdict().httpStatus).type(Problem.MEDIA_TYPE).entity(problem(p)).build();
                }
                return Response.ok(p, MediaType.APPLICATION_JSON).build();
            }
            return Response.status(p.verdict().httpStatus).type(HTML).entity(render(p)).build();
        }).onFailure().recoverWithItem(failure -> failure(failure, json, id));
    }

    @GET
    @Path("/r/{id}/qr.png")
    public Uni<Response> qr(@RestPath String id, @RestQuery("size") Integer size, @HeaderParam("Accept") String accept) {
        int pixels = size == null ? QrCodes.DEFAULT_SIZE : size;
        if (pixels < QrCodes.MIN_SIZE || pixels > QrCodes.MAX_SIZE) {
            return Uni.createFrom().item(failure(DomainException.invalidArgument("size", "must be "
                    + QrCodes.MIN_SIZE + " to " + QrCodes.MAX_SIZE + " pixels"), wantsJson(accept), id));
        }
        return pages.verify(id, null).map(v -> {
            switch (v.verdict()) {
                case VALID, RETIRED:
                    return v;
                case UNKNOWN:
                    throw DomainException.notFound("robot", v.canonicalId());
                default:
                    throw DomainException.invalidArgument("robot_id", "is not a valid robot ID");
            }
        }).emitOn(Infrastructure.getDefaultWorkerPool()).map(v -> {
            String url = pages.pageUrl(v.canonicalId(), RobotPages.certificateOf(v.identity().orElseThrow()));
            return Response.ok(QrCodes.png(url, pixels), "image/png")
                    .header("Content-Disposition", "inline; filename=\"" + v.canonicalId() + ".png\"")
                    .header("Cache-Control", "public, max-age=86400").build();
        }).onFailure().recoverWithItem(failure -> failure(failure, wantsJson(accept), id));
    }

    @POST
    @Path("/r/{id}/report")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> report(@RestPath String id, @RestForm String category, @RestForm String description,
            @RestForm String place, @RestForm String contact, @HeaderParam("Accept") String accept,
            HttpServerRequest request) {
        boolean json = wantsJson(accept);
        PublicReports.ReportForm form = new PublicReports.ReportForm(orEmpty(category), orEmpty(description),
                orEmpty(place), orEmpty(contact));
        String address = clientAddress(request);
        return reports.submit(id, form, address).map(recorded -> {
            if (json) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("robotId", recorded.robotId());
                body.put("reference", recorded.reference());
                body.put("status", "recorded; awaiting triage by the operator or a regulator");
                return Response.status(201).type(MediaType.APPLICATION_JSON).entity(body).build();
            }
            Map<String, Object> data = reportData(recorded.robotId(), form);
            data.put("reference", recorded.reference());
            return Response.status(201).type(HTML).entity(report.data(data).render()).build();
        }).onFailure().recoverWithItem(failure -> {
            DomainException error = GrpcErrors.classify(failure);
            if (error.kind() == ErrorKind.INTERNAL) {
                LOG.errorf(failure, "public report for %s failed", id);
            }
            if (error.kind() == ErrorKind.NOT_FOUND || error.violations().stream().anyMatch(v -> v.field().equals("robot_id"))) {
                return failure(error, json, id);
            }
            return reportFailure(id, form, json, error.kind().httpStatus(), error.reason(), error.getMessage(),
                    error.violations());
        });
    }

    @GET
    @Path("/r-assets/page.css")
    public Response css() {
        return Response.ok(CSS, "text/css;charset=UTF-8").header("Cache-Control", "public, max-age=3600").build();
    }

    private Response reportFailure(String id, PublicReports.ReportForm form, boolean json, int status, String reason,
            String message, List<FieldViolation> violations) {
        if (json) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", status == 400 ? "Invalid report" : status == 429 ? "Too many reports" : "Report not recorded");
            problem.put("status", status);
            problem.put("detail", violations.isEmpty() ? message
                    : String.join("; ", violations.stream().map(v -> v.field() + " " + v.description()).toList()));
            problem.put("reason", reason);
            problem.put("errors", violations);
            Response.ResponseBuilder b = Response.status(status).type(Problem.MEDIA_TYPE).entity(problem);
            if (status == 429) {
                b.header("Retry-After", Long.toString(reports.limiter().window().toSeconds()));
            }
            return b.build();
        }
        Map<String, Object> data = reportData(RobotPages.canonicalOr(id), form);
        data.put("errors", violations);
        data.put("message", violations.isEmpty() ? message : null);
        Response.ResponseBuilder b = Response.status(status).type(HTML).entity(report.data(data).render());
        if (status == 429) {
            b.header("Retry-After", Long.toString(reports.limiter().window().toSeconds()));
        }
        return b.build();
    }

    private Map<String, Object> reportData(String robotId, PublicReports.ReportForm form) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("robotId", robotId);
        data.put("form", form);
        data.put("categories", PublicReports.CATEGORIES);
        data.put("limits", limits());
        data.put("errors", List.of());
        data.put("reference", null);
        data.put("message", null);
        return data;
    }

    private Map<String, Object> limits() {
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("descriptionMin", PublicReports.DESCRIPTION_MIN);
        limits.put("descriptionMax", PublicReports.DESCRIPTION_MAX);
        limits.put("contactMax", PublicReports.CONTACT_MAX);
        limits.put("placeMax", PublicReports.PLACE_MAX);
        limits.put("perAddress", reports.limiter().limit());
        limits.put("window", PublicReportsWords.window(reports.limiter().window()));
        return limits;
    }

    private String render(RobotPage p) {
        return page.data("page", p).data("categories", PublicReports.CATEGORIES).data("limits", limits())
                .data("emptyForm", new PublicReports.ReportForm("", "", "", "")).data("noErrors", List.of()).render();
    }

    /** The client's address (from X-Forwarded-For / Forwarded only where proxy-address-forwarding is on). */
    static String clientAddress(HttpServerRequest request) {
        var remote = request.remoteAddress();
        if (remote == null) {
            return "unknown";
        }
        String address = remote.hostAddress() != null ? remote.hostAddress() : remote.host();
        return address == null ? "unknown" : address;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    /** An unexpected failure (never a peer's: those are parts of the page): a clear page, not a stack trace. */
    private Response failure(Throwable failure, boolean json, String id) {
        DomainException error = GrpcErrors.classify(failure);
        if (error.kind() == ErrorKind.INTERNAL) {
            LOG.errorf(failure, "robot page for %s failed", id);
        }
        int status = error.kind().httpStatus();
        if (json) {
            return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(error)).build();
        }
        RobotPage p = new RobotPage(RobotPages.canonicalOr(id), null,
                status == 404 ? RobotPage.Verdict.UNKNOWN : RobotPage.Verdict.MALFORMED,
                status == 404 ? "No robot has this ID" : status >= 500 ? "The registry could not answer" : "This request cannot be answered",
                status >= 500 ? "Something went wrong on our side. Please try again in a moment. (Reference: "
                        + error.getMessage() + ")" : error.getMessage(),
                IdentityQueries.CertificateCheck.NOT_PRESENTED.name(), null, null, null, null, null, null, List.of(),
                new RobotPage.Viewer(identity.isAnonymous(), null, false), false, null, null);
        return Response.status(status).type(HTML).entity(render(p)).build();
    }

    private static Map<String, Object> problem(RobotPage p) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", p.headline());
        problem.put("status", p.verdict().httpStatus);
        problem.put("detail", p.explanation());
        problem.put("verdict", p.verdict().name());
        problem.put("robotId", p.robotId());
        if (p.suggestions() != null && !p.suggestions().isEmpty()) {
            problem.put("suggestions", p.suggestions());
        }
        if (p.malformedReason() != null) {
            problem.put("malformedReason", p.malformedReason());
        }
        return problem;
    }

    private RobotPages.ViewerToken viewer() {
        if (identity.isAnonymous()) {
            return new RobotPages.ViewerToken(null, null);
        }
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        String role = identity.getRoles().stream().sorted().findFirst().orElse(null);
        return credential == null ? new RobotPages.ViewerToken(null, null)
                : new RobotPages.ViewerToken(credential.getToken(), role);
    }

    /** JSON when the client asks for it and not for HTML (browsers ask for HTML; curl's default gets HTML). */
    static boolean wantsJson(String accept) {
        if (accept == null) {
            return false;
        }
        String a = accept.toLowerCase();
        return (a.contains("application/json") || a.contains("+json")) && !a.contains("text/html");
    }
}
