package io.robotid.kit.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.ResourceInfo;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Goes over every entry of the error table, both ways out: gRPC status and problem+json. */
class ErrorTableTest {

    /** One domain error of each kind, as services raise them. */
    static DomainException sample(ErrorKind kind) {
        return switch (kind) {
            case INVALID_ARGUMENT -> DomainException.invalidArgument("legal_name", "is required");
            case UNAUTHENTICATED -> DomainException.unauthenticated("a valid bearer token is required");
            case PERMISSION_DENIED -> DomainException.permissionDenied("NOT_CALLERS_MANUFACTURER", "not yours");
            case NOT_FOUND -> DomainException.notFound("manufacturer", "A1B2");
            case ALREADY_EXISTS -> DomainException.alreadyExists("manufacturer", "CN/913", "registered already");
            case FAILED_PRECONDITION -> DomainException.failedPrecondition("MODEL_WITHDRAWN", "withdrawn",
                    Map.of("status", "WITHDRAWN"));
            case ABORTED -> DomainException.aborted("CONCURRENT_WRITE", "retry");
            case RESOURCE_EXHAUSTED -> DomainException.resourceExhausted("RATE_LIMITED", "slow down");
            case UNAVAILABLE -> DomainException.unavailable("DATABASE_UNAVAILABLE", "retry later");
            case DEADLINE_EXCEEDED -> DomainException.deadlineExceeded("DEPENDENCY_DEADLINE_EXCEEDED", "too slow");
            case DATA_LOSS -> DomainException.dataLoss("EVIDENCE_MISMATCH", "event 7 does not match its seal",
                    Map.of("table", "event", "key", "sequence=7"));
            case INTERNAL -> DomainException.internal("0af7651916cd43dd8448eb211c80319c");
        };
    }

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void everyKindMapsToItsGrpcStatusWithItsDetail(ErrorKind kind) throws Exception {
        DomainException error = sample(kind);
        StatusRuntimeException status = GrpcErrors.toStatusException(error);

        assertThat(status.getStatus().getCode()).isEqualTo(kind.grpcCode());
        com.google.rpc.Status rpc = StatusProto.fromThrowable(status);
        assertThat(rpc).isNotNull();
        assertThat(rpc.getCode()).isEqualTo(kind.grpcCode().value());
        assertThat(rpc.getMessage()).isEqualTo(error.getMessage());
        switch (kind.detail()) {
            case BAD_REQUEST -> {
                BadRequest badRequest = rpc.getDetails(0).unpack(BadRequest.class);
                assertThat(badRequest.getFieldViolations(0).getField()).isEqualTo("legal_name");
                assertThat(badRequest.getFieldViolations(0).getDescription()).isEqualTo("is required");
            }
            case RESOURCE_INFO -> {
                ResourceInfo info = rpc.getDetails(0).unpack(ResourceInfo.class);
                assertThat(info.getResourceType()).isEqualTo("manufacturer");
                assertThat(info.getResourceName()).isNotEmpty();
            }
            case ERROR_INFO -> {
                ErrorInfo info = rpc.getDetails(0).unpack(ErrorInfo.class);
                assertThat(info.getDomain()).isEqualTo("robotid");
                assertThat(info.getReason()).isEqualTo(error.reason());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void everyKindMapsToAProblemWithItsHttpStatus(ErrorKind kind) {
        DomainException error = sample(kind);
        Problem problem = Problem.of(error);

        assertThat(problem.status()).isEqualTo(kind.httpStatus());
        assertThat(problem.type()).isEqualTo(kind.problemType()).startsWith("https://robotid.io/problems/");
        assertThat(problem.title()).isEqualTo(kind.title());
        assertThat(problem.detail()).isEqualTo(error.getMessage());
        if (kind == ErrorKind.INVALID_ARGUMENT) {
            assertThat(problem.errors()).containsExactly(new FieldViolation("legal_name", "is required"));
        }
    }

    @Test
    void httpStatusesAreDistinctWhereClientsMustTellThemApart() {
        assertThat(List.of(ErrorKind.INVALID_ARGUMENT, ErrorKind.UNAUTHENTICATED, ErrorKind.PERMISSION_DENIED,
                ErrorKind.NOT_FOUND, ErrorKind.UNAVAILABLE, ErrorKind.INTERNAL))
                .extracting(ErrorKind::httpStatus).doesNotHaveDuplicates();
    }

    @Test
    void requestIdReuseCarriesBothFieldViolationAndReason() throws Exception {
        DomainException error = DomainException.invalidArgument("REQUEST_ID_REUSED", "request_id", "was already used");
        com.google.rpc.Status rpc = StatusProto.fromThrowable(GrpcErrors.toStatusException(error));
        assertThat(rpc.getDetails(0).unpack(BadRequest.class).getFieldViolations(0).getField()).isEqualTo("request_id");
        assertThat(rpc.getDetails(1).unpack(ErrorInfo.class).getReason()).isEqualTo("REQUEST_ID_REUSED");
    }

    @Test
    void unexpectedFailureBecomesInternalWithTraceIdAndNoCause() throws Exception {
        RuntimeException leak = new IllegalStateException("ERROR: relation \"manufacturer\" does not exist at SELECT *");
        StatusRuntimeException status = GrpcErrors.toStatusException(leak);

        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getMessage()).doesNotContain("relation").doesNotContain("SELECT")
                .doesNotContain("IllegalStateException");
        ErrorInfo info = StatusProto.fromThrowable(status).getDetails(0).unpack(ErrorInfo.class);
        assertThat(info.getMetadataMap().get("trace_id")).matches("[0-9a-f]{32}");
        assertThat(status.getStatus().getDescription()).contains(info.getMetadataMap().get("trace_id"));
        assertThat(status.getCause()).isNull();
    }

    @Test
    void domainErrorIsFoundInsideWrappers() {
        DomainException inner = DomainException.notFound("model", "X1Y2Z3");
        RuntimeException wrapped = new RuntimeException(new java.util.concurrent.CompletionException(inner));
        assertThat(GrpcErrors.classify(wrapped)).isSameAs(inner);
    }

    @Test
    void uniqueViolationFromTheDatabaseIsAbortedNotInternal() {
        io.vertx.pgclient.PgException unique = new io.vertx.pgclient.PgException(
                "duplicate key value violates unique constraint", "ERROR", "23505", "detail");
        DomainException mapped = GrpcErrors.classify(new RuntimeException(unique));
        assertThat(mapped.kind()).isEqualTo(ErrorKind.ABORTED);
        assertThat(mapped.getMessage()).doesNotContain("duplicate key");
    }

    @Test
    void downstreamUnavailableStaysRetryable() {
        DomainException mapped = GrpcErrors.classify(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());
        assertThat(mapped.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
        DomainException late = GrpcErrors.classify(Status.DEADLINE_EXCEEDED.asRuntimeException());
        assertThat(late.kind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
    }

    @Test
    void aDatabaseConnectionLostMidQueryIsUnavailableNotInternal() {
        // as seen while PostgreSQL shut down under load (PostgresRestartUnderLoadIT)
        for (Throwable lost : new Throwable[] { new java.net.SocketException("Connection reset"),
                new java.net.ConnectException("Connection refused"), new java.nio.channels.ClosedChannelException(),
                // NIO's own words while a connection to a PostgreSQL shutting down was being opened
                new java.io.IOException("Connection reset by peer"), new java.io.IOException("Broken pipe"),
                new io.vertx.pgclient.PgException("the database system is shutting down", "FATAL", "57P03", null),
                // the SQL client's words for a statement sent on a pooled connection PostgreSQL had just closed
                new io.vertx.core.impl.NoStackTraceThrowable("Connection is not active now, current status: CLOSED") }) {
            DomainException mapped = GrpcErrors.classify(new java.util.concurrent.CompletionException(lost));
            assertThat(mapped.kind()).as(lost.toString()).isEqualTo(ErrorKind.UNAVAILABLE);
            assertThat(mapped.reason()).isEqualTo("DATABASE_UNAVAILABLE");
        }
        // any other I/O failure is not taken for a lost connection: it stays INTERNAL
        assertThat(GrpcErrors.classify(new java.io.IOException("disk full")).kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(GrpcErrors.classify(new io.vertx.core.impl.NoStackTraceThrowable("something else")).kind())
                .isEqualTo(ErrorKind.INTERNAL);
    }
}
