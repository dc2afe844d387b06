package io.robotid.kit.error;

import java.util.concurrent.CompletionException;

import org.jboss.logging.Logger;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.quarkus.security.AuthenticationException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.pgclient.PgException;

/**
 * Turns any failure into the gRPC status a caller may see. Every service does it in one place, the
 * kit's {@link io.robotid.kit.grpc.RegistryExceptionHandlerProvider}, on whatever a gRPC method fails
 * with, so adapters neither wrap nor map: a domain exception thrown inside a transaction comes back
 * wrapped, and {@link #classify} finds it in the cause chain.
 */
public final class GrpcErrors {
    private static final Logger LOG = Logger.getLogger(GrpcErrors.class);

    private GrpcErrors() {
    }

    /**
     * A status already mapped from a domain error: mapping it again keeps it (a status that came from
     * another service is classified as a dependency's failure instead).
     */
    public static final class MappedStatusException extends StatusRuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient DomainException domain;

        MappedStatusException(StatusRuntimeException status, DomainException domain) {
            super(status.getStatus(), status.getTrailers());
            this.domain = domain;
        }

        public DomainException domain() {
            return domain;
        }
    }

    /** Any failure as the status a caller sees. */
    public static StatusRuntimeException toStatusException(Throwable failure) {
        return failure instanceof MappedStatusException mapped ? mapped : toStatusException(classify(failure));
    }

    /** The status for a domain error, with its {@code google.rpc} details. */
    public static StatusRuntimeException toStatusException(DomainException error) {
        ErrorKind kind = error.kind();
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(kind.grpcCode().value())
                .setMessage(error.getMessage() == null ? kind.title() : error.getMessage());
        switch (kind.detail()) {
            case BAD_REQUEST -> {
                BadRequest.Builder badRequest = BadRequest.newBuilder();
                for (FieldViolation violation : error.violations()) {
                    badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                            .setField(violation.field())
                            .setDescription(violation.description()));
                }
                status.addDetails(Any.pack(badRequest.build()));
                if (error.reason() != null) {
                    status.addDetails(Any.pack(errorInfo(error)));
                }
            }
            case RESOURCE_INFO -> status.addDetails(Any.pack(ResourceInfo.newBuilder()
                    .setResourceType(nullToEmpty(error.resourceType()))
                    .setResourceName(nullToEmpty(error.resourceName()))
                    .setDescription(nullToEmpty(error.getMessage()))
                    .build()));
            case ERROR_INFO -> status.addDetails(Any.pack(errorInfo(error)));
        }
        return new MappedStatusException(StatusProto.toStatusRuntimeException(status.build()), error);
    }

    /**
     * Finds the domain meaning of a failure: a {@link DomainException} anywhere in the cause chain,
     * known infrastructure failures (security, database constraint or connection, a downstream
     * gRPC call), else INTERNAL with a trace id, logged here with its stack trace.
     */
    public static DomainException classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DomainException domain) {
                return domain;
            }
            if (t instanceof MappedStatusException mapped) {
                return mapped.domain();
            }
            if (t instanceof AuthenticationException || t instanceof UnauthorizedException) {
                return DomainException.unauthenticated("a valid bearer token is required");
            }
            if (t instanceof ForbiddenException) {
                return DomainException.permissionDenied("ROLE_NOT_ALLOWED", "the caller's role may not do this");
            }
            if (t instanceof PgException pg) {
                DomainException mapped = fromSqlState(pg.getSqlState());
                if (mapped != null) {
                    return mapped;
                }
            }
            // outbound gRPC failures arrive as a Status (below) and token checks as security
            // exceptions (above): a socket failure here is the database connection, e.g. reset by
            // a PostgreSQL shutting down in the middle of a query
            if (t instanceof java.net.SocketException || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException || connectionLost(t)) {
                return DomainException.unavailable("DATABASE_UNAVAILABLE", "the database cannot be reached; retry later");
            }
            Status downstream = downstreamStatus(t);
            if (downstream != null) {
                if (downstream.getCode() == Status.Code.UNAVAILABLE) {
                    return DomainException.unavailable("DEPENDENCY_UNAVAILABLE",
                            "a service this call depends on is unavailable; retry later");
                }
                if (downstream.getCode() == Status.Code.DEADLINE_EXCEEDED) {
                    return DomainException.deadlineExceeded("DEPENDENCY_DEADLINE_EXCEEDED",
                            "a service this call depends on did not answer in time");
                }
                break;
            }
            if (t instanceof CompletionException && t.getCause() != null) {
                continue;
            }
        }
        String traceId = TraceIds.current();
        LOG.errorf(failure, "unexpected failure, trace id %s", traceId);
        return DomainException.internal(traceId);
    }

    /**
     * A socket torn down under the driver: the JDK's NIO (and Netty's native transport) report a reset or a
     * broken pipe as a plain IOException, not a SocketException, e.g. while a connection to a PostgreSQL
     * that is shutting down is being opened.
     */
    private static boolean connectionLost(Throwable t) {
        if (t instanceof io.vertx.core.impl.NoStackTraceThrowable && t.getMessage() != null
                && t.getMessage().startsWith("Connection is not active now")) {
            // the SQL client's words for a statement on a pooled connection the database had just closed (a restart)
            return true;
        }
        if (!(t instanceof java.io.IOException) || t.getMessage() == null) {
            return false;
        }
        String message = t.getMessage().toLowerCase(java.util.Locale.ROOT);
        return message.contains("connection reset") || message.contains("broken pipe");
    }

    private static DomainException fromSqlState(String sqlState) {
        if (sqlState == null) {
            return null;
        }
        return switch (sqlState) {
            // unique violation, serialization failure, deadlock: a concurrent writer won
            case "23505", "40001", "40P01" -> DomainException.aborted("CONCURRENT_WRITE",
                    "a concurrent request changed the same data; retry");
            // connection failures, shutdown, too many connections
            case "08000", "08003", "08006", "57P01", "57P02", "57P03", "53300" -> DomainException.unavailable(
                    "DATABASE_UNAVAILABLE", "the database cannot be reached; retry later");
            default -> null;
        };
    }

    private static Status downstreamStatus(Throwable t) {
        if (t instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (t instanceof StatusException se) {
            return se.getStatus();
        }
        return null;
    }

    private static ErrorInfo errorInfo(DomainException error) {
        return ErrorInfo.newBuilder()
                .setReason(error.reason() == null ? error.kind().name() : error.reason())
                .setDomain(DomainException.ERROR_DOMAIN)
                .putAllMetadata(error.metadata())
                .build();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
