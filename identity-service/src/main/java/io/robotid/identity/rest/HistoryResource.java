package io.robotid.identity.rest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.evidence.tlog.HistoryReport;
import io.robotid.identity.page.RobotHistory;
import io.robotid.identity.page.RobotPages;
import io.robotid.identity.service.HistoryShares;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.kit.error.GrpcErrors;
import io.robotid.kit.error.Problem;
import io.robotid.kit.security.CallerIdentity;
import io.smallrye.mutiny.Uni;

/**
 * A robot's history report (EVIDENCE.md section 12) on its public page: {@code GET /r/{id}/history}
 * (HTML, or the robotid-history-report-v1 JSON document to {@code Accept: application/json} or
 * {@code ?format=json}; {@code ?share=<token>} opens a share link), and {@code POST /r/{id}/history/shares}
 * (the robot's owner makes a time-limited share link; JSON body {@code {"validForSeconds": ..,
 * "recipient": ".."}}, both optional).
 */
@Path("/r/{id}/history")
@PermitAll
public class HistoryResource {
    private static final Logger LOG = Logger.getLogger(HistoryResource.class);

    private final RobotHistory history;
    private final HistoryShares shares;
    private final RobotPages pages;
    private final SecurityIdentity identity;
    private final Template page;

    public HistoryResource(RobotHistory history, HistoryShares shares, RobotPages pages, SecurityIdentity identity,
            @Location("history.html") Template page) {
        this.pages = pages;
        this.history = history;
        this.shares = shares;
        this.identity = identity;
        this.page = page;
    }

    @GET
    public Uni<Response> report(@RestPath String id, @RestQuery("share") String share, @RestQuery("format") String format,
            @HeaderParam("Accept") String accept) {
        // ?format=json or html wins over Accept (a link can ask for the JSON a browser would not)
        boolean json = "json".equals(format) || (!"html".equals(format) && RobotPageResource.wantsJson(accept));
        if (format != null && !format.equals("json") && !format.equals("html")) {
            return Uni.createFrom().item(failure(DomainException.invalidArgument("format", "is json or html"), json, id));
        }
        return history.report(id, RobotHistory.audience(identity, share)).map(report -> {
            if (json) {
                return Response.ok(report.toJson(), MediaType.APPLICATION_JSON + ";charset=UTF-8")
                        .header("Content-Disposition", "inline; filename=\"" + report.robotId() + "-history.json\"").build();
            }
            String jsonLink = "/r/" + report.robotId() + "/history?format=json"
                    + (share == null || share.isEmpty() ? "" : "&share=" + URLEncoder.encode(share, StandardCharsets.UTF_8));
            return Response.ok(render(report, jsonLink, null), RobotPageResource.HTML).build();
        }).onFailure().recoverWithItem(failure -> failure(failure, json, id));
    }

    /** What a share request may carry; both fields optional. */
    public record ShareRequest(Long validForSeconds, String recipient) {
    }

    @POST
    @Path("/shares")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> share(@RestPath String id, ShareRequest request) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(failure(DomainException.unauthenticated(
                    "a share link is made by the robot's owner: send its bearer token"), true, id));
        }
        ShareRequest r = request == null ? new ShareRequest(null, null) : request;
        String token = identity.getCredential(io.quarkus.oidc.AccessTokenCredential.class).getToken();
        return shares.create(CallerIdentity.from(identity), token, id, r.validForSeconds() == null ? 0 : r.validForSeconds(),
                r.recipient()).map(created -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("robotId", created.robotId());
                    body.put("url", pages.historyShareUrl(created.robotId(), created.token()));
                    body.put("shareToken", created.token());
                    body.put("expiresAt", created.expiresAt().toString());
                    return Response.status(201).type(MediaType.APPLICATION_JSON).entity(body).build();
                }).onFailure().recoverWithItem(failure -> failure(failure, true, id));
    }

    private String render(HistoryReport report, String jsonLink, String error) {
        return page.data("report", report).data("jsonLink", jsonLink).data("error", error)
                .data("withheld", report == null ? 0 : report.records().stream().filter(HistoryReport.Entry::withheld).count())
                .render();
    }

    private Response failure(Throwable failure, boolean json, String id) {
        DomainException error = GrpcErrors.classify(failure);
        if (error.kind() == ErrorKind.INTERNAL) {
            LOG.errorf(failure, "history report of %s failed", id);
        }
        int status = error.kind().httpStatus();
        if (json) {
            return Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(error)).build();
        }
        String message = status >= 500 && error.kind() == ErrorKind.INTERNAL
                ? "Something went wrong on our side. Please try again in a moment. (Reference: " + error.getMessage() + ")"
                : error.getMessage() + (error.violations().isEmpty() ? ""
                        : ": " + String.join("; ", error.violations().stream().map(v -> v.field() + " " + v.description()).toList()));
        return Response.status(status).type(RobotPageResource.HTML).entity(render(null, null, message)).build();
    }
}
