package io.robotid.kit.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.TraceIds;
import io.robotid.kit.security.CallerIdentity;

/**
 * Everything a write needs to know about the call that asks for it: the caller, the request id
 * that makes it idempotent, the operation name, the trace id and the instant. Built by the gRPC
 * or REST adapter; services stamp what they store with {@link #stamp()}.
 */
public record WriteContext(CallerIdentity caller, UUID requestId, String operation, String traceId, Instant at) {

    public WriteContext {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(at, "at");
    }

    /**
     * @param requestId the request's {@code request_id} field, which must be a UUID
     * @throws DomainException INVALID_ARGUMENT naming {@code request_id} when it is missing or no UUID
     */
    public static WriteContext of(CallerIdentity caller, String requestId, String operation, Clock clock) {
        // PostgreSQL keeps microseconds: truncate so a stored stamp reads back equal to the one answered.
        return new WriteContext(caller, parseRequestId(requestId), operation, TraceIds.current(),
                clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    public static UUID parseRequestId(String requestId) {
        if (requestId == null || requestId.isBlank()) {
            throw DomainException.invalidArgument("request_id", "is required (a UUID chosen by the client, reused on retries)");
        }
        try {
            UUID parsed = UUID.fromString(requestId.trim());
            // UUID.fromString accepts shortened groups such as "1-1-1-1-1"; insist on the canonical form.
            if (!parsed.toString().equalsIgnoreCase(requestId.trim())) {
                throw new IllegalArgumentException();
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidArgument("request_id", "must be a UUID such as 3f1c2d9e-8a4b-4c6d-9e2f-1a2b3c4d5e6f");
        }
    }

    public AuditStamp stamp() {
        return new AuditStamp(caller.subject(), caller.auditRole(), caller.auditOrganisation(), at, requestId, traceId);
    }
}
