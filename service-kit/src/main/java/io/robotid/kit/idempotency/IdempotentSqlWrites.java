package io.robotid.kit.idempotency;

import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * {@link IdempotentWrites} for services whose write path runs on the reactive SQL client: the
 * same {@code write_record} claim, replay and refusal, on the connection (and transaction) the
 * caller's write uses.
 */
public final class IdempotentSqlWrites {
    private IdempotentSqlWrites() {
    }

    public static <R extends Message> Uni<R> execute(SqlConnection connection, WriteContext context, Message request,
            Parser<R> parser, Supplier<Uni<R>> write) {
        byte[] requestHash = RequestHash.of(context.operation(), request);
        return connection.preparedQuery(IdempotentWrites.CLAIM_FOR_SQL_CLIENT)
                .execute(Tuple.from(List.of(context.requestId(), context.operation(), context.caller().subject(),
                        context.caller().auditRole(), context.caller().auditOrganisation(),
                        context.at().atOffset(ZoneOffset.UTC), context.traceId(), Buffer.buffer(requestHash))))
                .chain(claim -> claim.rowCount() == 1
                        ? write.get().call(response -> connection
                                .preparedQuery("update write_record set response = $1 where request_id = $2")
                                .execute(Tuple.of(Buffer.buffer(response.toByteArray()), context.requestId())))
                        : replay(connection, context, requestHash, parser));
    }

    private static <R extends Message> Uni<R> replay(SqlConnection connection, WriteContext context, byte[] requestHash,
            Parser<R> parser) {
        return connection.preparedQuery(
                "select operation, subject, request_sha256, response from write_record where request_id = $1")
                .execute(Tuple.of(context.requestId()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    if (!context.operation().equals(row.getString("operation"))
                            || !context.caller().subject().equals(row.getString("subject"))
                            || !Arrays.equals(requestHash, row.getBuffer("request_sha256").getBytes())) {
                        throw DomainException.invalidArgument(IdempotentWrites.REQUEST_ID_REUSED, "request_id",
                                "was already used for a different request; use a new UUID for a new request");
                    }
                    if (row.getBuffer("response") == null) {
                        throw DomainException.aborted("REQUEST_IN_FLIGHT", "request_id " + context.requestId()
                                + " is being processed; retry");
                    }
                    try {
                        return parser.parseFrom(row.getBuffer("response").getBytes());
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("stored response of " + context.requestId() + " is unreadable", e);
                    }
                });
    }
}
