package io.robotid.kit.error;

import io.grpc.Status;

/**
 * The one table from domain errors to transport statuses: each kind names the gRPC status code,
 * the HTTP status of its RFC 9457 problem, and which {@code google.rpc} detail it carries.
 * Every service raises {@link DomainException}s of these kinds and nothing else reaches a caller.
 */
public enum ErrorKind {
    /** Bad input: carries {@code BadRequest} field violations (and ErrorInfo when it has a reason). */
    INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT, 400, "Invalid argument", Detail.BAD_REQUEST),
    /** No token, or a token that is not valid. */
    UNAUTHENTICATED(Status.Code.UNAUTHENTICATED, 401, "Unauthenticated", Detail.ERROR_INFO),
    /** The caller's role or organisation may not do this: carries {@code ErrorInfo}. */
    PERMISSION_DENIED(Status.Code.PERMISSION_DENIED, 403, "Permission denied", Detail.ERROR_INFO),
    /** The resource does not exist (or the caller may not know it does): carries {@code ResourceInfo}. */
    NOT_FOUND(Status.Code.NOT_FOUND, 404, "Not found", Detail.RESOURCE_INFO),
    /** A resource with the same natural key exists already: carries {@code ResourceInfo}. */
    ALREADY_EXISTS(Status.Code.ALREADY_EXISTS, 409, "Already exists", Detail.RESOURCE_INFO),
    /** The resource is not in a state that allows this: carries {@code ErrorInfo}. */
    FAILED_PRECONDITION(Status.Code.FAILED_PRECONDITION, 409, "Failed precondition", Detail.ERROR_INFO),
    /** A concurrent writer won (optimistic check, expected sequence): retry after re-reading. */
    ABORTED(Status.Code.ABORTED, 409, "Aborted", Detail.ERROR_INFO),
    /** A quota, rate or size limit was hit. */
    RESOURCE_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED, 429, "Resource exhausted", Detail.ERROR_INFO),
    /** A dependency (database, another service) cannot be reached: retryable. */
    UNAVAILABLE(Status.Code.UNAVAILABLE, 503, "Unavailable", Detail.ERROR_INFO),
    /** A dependency did not answer within its deadline. */
    DEADLINE_EXCEEDED(Status.Code.DEADLINE_EXCEEDED, 504, "Deadline exceeded", Detail.ERROR_INFO),
    /**
     * Stored evidence does not check out (a sealed record, chain or projection that was changed
     * outside the service): carries {@code ErrorInfo} naming the record; never retried into success.
     */
    DATA_LOSS(Status.Code.DATA_LOSS, 500, "Stored evidence does not verify", Detail.ERROR_INFO),
    /** A bug or an unexpected failure: carries only a trace id, never the cause. */
    INTERNAL(Status.Code.INTERNAL, 500, "Internal error", Detail.ERROR_INFO);

    /** The {@code google.rpc} detail message a kind carries besides its ErrorInfo. */
    public enum Detail { BAD_REQUEST, ERROR_INFO, RESOURCE_INFO }

    private final Status.Code grpcCode;
    private final int httpStatus;
    private final String title;
    private final Detail detail;

    ErrorKind(Status.Code grpcCode, int httpStatus, String title, Detail detail) {
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
        this.title = title;
        this.detail = detail;
    }

    public Status.Code grpcCode() {
        return grpcCode;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String title() {
        return title;
    }

    public Detail detail() {
        return detail;
    }

    /** RFC 9457 problem type URI for this kind. */
    public String problemType() {
        return "https://robotid.io/problems/" + name().toLowerCase().replace('_', '-');
    }
}
