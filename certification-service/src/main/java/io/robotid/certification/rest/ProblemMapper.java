package io.robotid.certification.rest;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.ErrorKind;
import io.robotid.kit.error.GrpcErrors;
import io.robotid.kit.error.Problem;

/**
 * Every failure of the REST API as an RFC 9457 {@code application/problem+json}, through the
 * kit's error table (the same kinds and reasons as gRPC): domain errors, security failures, JSON
 * that cannot be read (naming the field), and anything unexpected (INTERNAL with a trace id only).
 */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response domain(DomainException e, UriInfo uri) {
        return problem(Problem.of(e), uri);
    }

    @ServerExceptionMapper({ AuthenticationFailedException.class, UnauthorizedException.class })
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        return problem(Problem.of(DomainException.unauthenticated("a valid bearer token is required")), uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(Problem.of(GrpcErrors.classify(e)), uri);
    }

    @ServerExceptionMapper({ UnrecognizedPropertyException.class })
    public Response unknownMember(UnrecognizedPropertyException e, UriInfo uri) {
        return problem(Problem.of(DomainException.invalidArgument(path(e), "is not a member of this request (allowed: "
                + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")) + ")")),
                uri);
    }

    @ServerExceptionMapper({ InvalidFormatException.class, MismatchedInputException.class })
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return problem(Problem.of(DomainException.invalidArgument(path(e), "must be " + jsonType(e.getTargetType()))),
                uri);
    }

    /**
     * The JSON type a member read into {@code target} must have, as the client writes it ("an
     * array", "an object", "a string", "a number", "a boolean"), never a Java class name.
     */
    static String jsonType(Class<?> target) {
        if (target == null) {
            return "a value of another JSON type";
        }
        if (target == boolean.class || target == Boolean.class) {
            return "a boolean (true or false)";
        }
        if (target == char.class || target == Character.class || CharSequence.class.isAssignableFrom(target)
                || target.isEnum() || target == java.util.UUID.class || target == java.net.URI.class
                || target.getPackageName().equals("java.time")) {
            return "a string";
        }
        if (target.isPrimitive() || Number.class.isAssignableFrom(target)) {
            return "a number";
        }
        if (target.isArray() || java.util.Collection.class.isAssignableFrom(target)) {
            return "an array";
        }
        return "an object";
    }

    @ServerExceptionMapper({ JsonParseException.class, JsonMappingException.class, JsonProcessingException.class })
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return problem(Problem.of(DomainException.invalidArgument(path(mapping), "cannot be read")), uri);
        }
        return problem(Problem.of(DomainException.invalidArgument("body", "is not valid JSON ("
                + (e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr()) + ")")), uri);
    }

    /** HTTP-level refusals: unknown path, method not allowed, unsupported or unacceptable media type. */
    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        ErrorKind kind = switch (status) {
            case 400 -> ErrorKind.INVALID_ARGUMENT;
            case 401 -> ErrorKind.UNAUTHENTICATED;
            case 403 -> ErrorKind.PERMISSION_DENIED;
            case 404 -> ErrorKind.NOT_FOUND;
            default -> null;
        };
        if (kind == ErrorKind.INVALID_ARGUMENT) {
            return problem(Problem.of(DomainException.invalidArgument("body", String.valueOf(e.getMessage()))), uri);
        }
        if (kind == ErrorKind.NOT_FOUND) {
            return problem(Problem.of(DomainException.notFound("path", uri.getPath())), uri);
        }
        if (kind != null) {
            return problem(Problem.of(GrpcErrors.classify(kind == ErrorKind.UNAUTHENTICATED
                    ? new UnauthorizedException() : new ForbiddenException())), uri);
        }
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType == null ? "HTTP " + status : statusType.getReasonPhrase();
        Problem p = new Problem("https://robotid.io/problems/http-" + status, title, status,
                String.valueOf(e.getMessage()), "HTTP_" + status, List.of(), null, null, Map.of());
        return problem(p, uri);
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        return problem(Problem.of(e), uri);
    }

    static Response problem(Problem p, UriInfo uri) {
        Response.ResponseBuilder response = Response.status(p.status()).type(Problem.MEDIA_TYPE)
                .entity(ProblemView.of(p, uri == null ? null : uri.getPath()));
        if (p.status() == 401) {
            response.header("WWW-Authenticate", "Bearer");
        }
        return response.build();
    }

    /** The JSON path of the failing member, e.g. {@code conditions.max_speed_m_per_s} or {@code standards[1]}. */
    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.length() == 0 ? "body" : out.toString();
    }
}
