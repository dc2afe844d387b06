package io.robotid.kit.idempotency;

import java.util.Arrays;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.reactive.mutiny.Mutiny;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.smallrye.mutiny.Uni;

/**
 * Makes a mutating call idempotent and audited, in the calling service's own database and in the
 * same transaction as the write ({@code write_record}, created by the kit's Flyway migration).
 *
 * <p>The first call with a request id claims the id with {@code INSERT ... ON CONFLICT DO NOTHING}
 * (which also records who, when, trace id: the audit trail), runs the write, and stores the
 * response. A concurrent call with the same id blocks on that insert until the first commits,
 * then reads the committed response. A retry gets the stored response byte for byte. The same id
 * with another request, another operation or from another caller is refused with
 * INVALID_ARGUMENT, reason {@code REQUEST_ID_REUSED}. If the write fails, the claim rolls back
 * with it, so a retry runs the write again.
 */
@ApplicationScoped
public class IdempotentWrites {

    public static final String REQUEST_ID_REUSED = "REQUEST_ID_REUSED";

    private static final String CLAIM = """
            insert into write_record (request_id, operation, subject, role, organisation, recorded_at, trace_id, request_sha256)
            values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            on conflict (request_id) do nothing""";
    /**
     * The same claim for services that write through the reactive SQL client ({@code $n}
     * placeholders), e.g. bulk paths that store their own response record.
     */
    public static final String CLAIM_FOR_SQL_CLIENT = CLAIM.replaceAll("\\?(\\d+)", "\\$$1");

    private static final String STORE_RESPONSE = "update write_record set response = ?1 where request_id = ?2";
    private static final String READ = """
            select operation, subject, request_sha256, response from write_record where request_id = ?1""";

    /**
     * Runs {@code write} once per request id. Joins the caller's transaction if one is open, so the
     * domain service's own {@code @WithTransaction} and this claim commit or roll back together.
     *
     * @param request the request message as received (its deterministic encoding is hashed)
     * @param parser  parses the stored response on a retry
     * @param write   the write, producing the response to return and to store
     */
    @WithTransaction
    public <R extends Message> Uni<R> execute(WriteContext context, Message request, Parser<R> parser,
            Supplier<Uni<R>> write) {
        byte[] requestHash = RequestHash.of(context.operation(), request);
        return Panache.getSession().chain(session -> session.createNativeQuery(CLAIM)
                .setParameter(1, context.requestId())
                .setParameter(2, context.operation())
                .setParameter(3, context.caller().subject())
                .setParameter(4, context.caller().auditRole())
                .setParameter(5, context.caller().auditOrganisation())
                .setParameter(6, context.at())
                .setParameter(7, context.traceId())
                .setParameter(8, requestHash)
                .executeUpdate()
                .chain(claimed -> claimed == 1
                        ? write.get().call(response -> storeResponse(session, context, response))
                        : replay(session, context, requestHash, parser)));
    }

    private Uni<Integer> storeResponse(Mutiny.Session session, WriteContext context, Message response) {
        return session.createNativeQuery(STORE_RESPONSE)
                .setParameter(1, response.toByteArray())
                .setParameter(2, context.requestId())
                .executeUpdate();
    }

    private <R extends Message> Uni<R> replay(Mutiny.Session session, WriteContext context, byte[] requestHash,
            Parser<R> parser) {
        return session.createNativeQuery(READ, Object[].class)
                .setParameter(1, context.requestId())
                .getResultList()
                .map(rows -> {
                    if (rows.isEmpty()) {
                        // The claim conflicted but the row is gone: only possible if it was purged meanwhile.
                        throw DomainException.aborted("REQUEST_IN_FLIGHT", "request_id " + context.requestId()
                                + " is being processed; retry");
                    }
                    Object[] row = rows.get(0);
                    String operation = (String) row[0];
                    String subject = (String) row[1];
                    byte[] storedHash = bytes(row[2]);
                    byte[] response = bytes(row[3]);
                    if (!context.operation().equals(operation) || !context.caller().subject().equals(subject)
                            || !Arrays.equals(requestHash, storedHash)) {
                        throw DomainException.invalidArgument(REQUEST_ID_REUSED, "request_id",
                                "was already used for a different request; use a new UUID for a new request");
                    }
                    if (response == null) {
                        throw DomainException.aborted("REQUEST_IN_FLIGHT", "request_id " + context.requestId()
                                + " is being processed; retry");
                    }
                    try {
                        return parser.parseFrom(response);
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("stored response of " + context.requestId() + " is unreadable", e);
                    }
                });
    }

    private static byte[] bytes(Object column) {
        if (column == null) {
            return null;
        }
        if (column instanceof byte[] b) {
            return b;
        }
        if (column instanceof io.vertx.core.buffer.Buffer buffer) {
            return buffer.getBytes();
        }
        throw new IllegalStateException("unexpected bytea column type " + column.getClass());
    }
}
