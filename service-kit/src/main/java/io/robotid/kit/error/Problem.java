package io.robotid.kit.error;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem ({@code application/problem+json}) made from a {@link DomainException},
 * for the services that answer HTTP. Extension members: {@code reason}, {@code errors} (field
 * violations), {@code resource_type}/{@code resource_name}, {@code metadata}.
 */
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String reason,
        List<FieldViolation> errors,
        String resourceType,
        String resourceName,
        Map<String, String> metadata) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(DomainException error) {
        ErrorKind kind = error.kind();
        return new Problem(kind.problemType(), kind.title(), kind.httpStatus(), error.getMessage(),
                error.reason() == null ? kind.name() : error.reason(), error.violations(),
                error.resourceType(), error.resourceName(), error.metadata());
    }

    /** Any failure, classified as {@link GrpcErrors#classify(Throwable)} does. */
    public static Problem of(Throwable failure) {
        return of(GrpcErrors.classify(failure));
    }
}
