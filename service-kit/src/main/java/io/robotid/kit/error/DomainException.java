package io.robotid.kit.error;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The only exception domain code throws at callers. Its {@link ErrorKind} decides the transport
 * status; the other fields become {@code google.rpc} details or problem+json members.
 */
public class DomainException extends RuntimeException {

    /** The domain of every ErrorInfo robotid sends. */
    public static final String ERROR_DOMAIN = "robotid";

    private final ErrorKind kind;
    private final String reason;
    private final Map<String, String> metadata;
    private final List<FieldViolation> violations;
    private final String resourceType;
    private final String resourceName;

    private DomainException(ErrorKind kind, String message, String reason, Map<String, String> metadata,
            List<FieldViolation> violations, String resourceType, String resourceName) {
        super(message, null, false, false);
        this.kind = Objects.requireNonNull(kind);
        this.reason = reason;
        this.metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        this.violations = violations == null ? List.of() : List.copyOf(violations);
        this.resourceType = resourceType;
        this.resourceName = resourceName;
    }

    public static DomainException invalidArgument(List<FieldViolation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an INVALID_ARGUMENT needs at least one field violation");
        }
        String message = violations.stream().map(FieldViolation::toString).collect(Collectors.joining("; "));
        return new DomainException(ErrorKind.INVALID_ARGUMENT, message, null, null, violations, null, null);
    }

    public static DomainException invalidArgument(String field, String description) {
        return invalidArgument(List.of(new FieldViolation(field, description)));
    }

    /** Bad input that also has a machine-readable reason (e.g. REQUEST_ID_REUSED). */
    public static DomainException invalidArgument(String reason, String field, String description) {
        List<FieldViolation> violations = List.of(new FieldViolation(field, description));
        return new DomainException(ErrorKind.INVALID_ARGUMENT, field + ": " + description, reason, null,
                violations, null, null);
    }

    public static DomainException notFound(String resourceType, String resourceName) {
        return new DomainException(ErrorKind.NOT_FOUND, resourceType + " " + resourceName + " does not exist",
                null, null, null, resourceType, resourceName);
    }

    public static DomainException alreadyExists(String resourceType, String resourceName, String message) {
        return new DomainException(ErrorKind.ALREADY_EXISTS, message, null, null, null, resourceType, resourceName);
    }

    public static DomainException failedPrecondition(String reason, String message, Map<String, String> metadata) {
        return new DomainException(ErrorKind.FAILED_PRECONDITION, message, reason, metadata, null, null, null);
    }

    public static DomainException permissionDenied(String reason, String message) {
        return new DomainException(ErrorKind.PERMISSION_DENIED, message, reason, null, null, null, null);
    }

    public static DomainException unauthenticated(String message) {
        return new DomainException(ErrorKind.UNAUTHENTICATED, message, "UNAUTHENTICATED", null, null, null, null);
    }

    public static DomainException aborted(String reason, String message) {
        return new DomainException(ErrorKind.ABORTED, message, reason, null, null, null, null);
    }

    /** Stored evidence that does not verify, e.g. reason EVIDENCE_MISMATCH with the record in metadata. */
    public static DomainException dataLoss(String reason, String message, Map<String, String> metadata) {
        return new DomainException(ErrorKind.DATA_LOSS, message, reason, metadata, null, null, null);
    }

    public static DomainException resourceExhausted(String reason, String message) {
        return new DomainException(ErrorKind.RESOURCE_EXHAUSTED, message, reason, null, null, null, null);
    }

    public static DomainException unavailable(String reason, String message) {
        return new DomainException(ErrorKind.UNAVAILABLE, message, reason, null, null, null, null);
    }

    public static DomainException deadlineExceeded(String reason, String message) {
        return new DomainException(ErrorKind.DEADLINE_EXCEEDED, message, reason, null, null, null, null);
    }

    /** An unexpected failure: the message says only where to look (the trace id), never the cause. */
    public static DomainException internal(String traceId) {
        return new DomainException(ErrorKind.INTERNAL, "internal error; trace id " + traceId, "INTERNAL",
                Map.of("trace_id", traceId), null, null, null);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** UPPER_SNAKE_CASE machine-readable reason, or null. */
    public String reason() {
        return reason;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public List<FieldViolation> violations() {
        return violations;
    }

    public String resourceType() {
        return resourceType;
    }

    public String resourceName() {
        return resourceName;
    }
}
