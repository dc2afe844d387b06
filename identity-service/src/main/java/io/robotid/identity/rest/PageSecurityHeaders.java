package io.robotid.identity.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.robotid.identity.page.PublicReports;
import io.robotid.kit.error.Problem;

/**
 * Security headers of the public robot page, its QR code, report form and style sheet: a
 * Content-Security-Policy that allows no script at all (the page needs none) and styles only from
 * this origin's style sheet, no framing, no MIME sniffing, and no referrer (the page URL carries
 * the label's certificate).
 */
public class PageSecurityHeaders {
    public static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
            + "base-uri 'none'; frame-ancestors 'none'";

    /**
     * A report body larger than {@link PublicReports#BODY_MAX_BYTES} is refused (413) before the
     * form is read.
     */
    @ServerRequestFilter(preMatching = true)
    public Response limitReportSize(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!"POST".equals(request.getMethod()) || !path.startsWith("/r/") || !path.endsWith("/report")) {
            return null;
        }
        int length = request.getLength();
        if (length <= PublicReports.BODY_MAX_BYTES) {
            return null;
        }
        String detail = "the report is larger than " + PublicReports.BODY_MAX_BYTES / 1024 + " KB; shorten the description";
        String accept = request.getHeaderString("Accept");
        if (RobotPageResource.wantsJson(accept)) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", "Report too large");
            problem.put("status", 413);
            problem.put("detail", detail);
            problem.put("reason", "REPORT_TOO_LARGE");
            problem.put("errors", List.of());
            return Response.status(413).type(Problem.MEDIA_TYPE).entity(problem).build();
        }
        return Response.status(413).type(MediaType.TEXT_PLAIN + ";charset=UTF-8").entity("Your report was not sent: "
                + detail + ". Go back and try again.").build();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!(path.startsWith("/r/") || path.startsWith("/r-assets/"))) {
            return;
        }
        var headers = response.getHeaders();
        headers.putSingle("Content-Security-Policy", CSP);
        headers.putSingle("X-Content-Type-Options", "nosniff");
        headers.putSingle("Referrer-Policy", "no-referrer");
        headers.putSingle("X-Frame-Options", "DENY");
        if (!path.startsWith("/r-assets/") && !path.endsWith("/qr.png")) {
            headers.putSingle("Cache-Control", "no-store");
            headers.add("Vary", "Accept, Authorization");
        }
    }
}
