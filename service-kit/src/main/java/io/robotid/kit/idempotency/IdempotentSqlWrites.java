package io.robotid.kit.idempotency;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
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
        return stored(connection, List.of(context.requestId()))
                .map(found -> answer(new Claim(context, requestHash), found.get(context.requestId()), parser));
    }

    /**
     * The stored answer to a request whose id was already recorded: its response when it is a
     * retry of the same request; INVALID_ARGUMENT {@code REQUEST_ID_REUSED} when the id was used
     * for another request; ABORTED {@code REQUEST_IN_FLIGHT} while the first is still running.
     */
    public static <R extends Message> R answer(Claim claim, StoredWrite stored, Parser<R> parser) {
        if (stored == null || !stored.isRetryOf(claim)) {
            throw DomainException.invalidArgument(IdempotentWrites.REQUEST_ID_REUSED, "request_id",
                    "was already used for a different request; use a new UUID for a new request");
        }
        if (stored.response() == null) {
            throw DomainException.aborted("REQUEST_IN_FLIGHT", "request_id " + claim.context().requestId()
                    + " is being processed; retry");
        }
        try {
            return parser.parseFrom(stored.response());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored response of " + claim.context().requestId() + " is unreadable", e);
        }
    }

    /** One request of a set-based write: its context and its request hash. */
    public record Claim(WriteContext context, byte[] requestHash) {
        public static Claim of(WriteContext context, Message request) {
            return new Claim(context, RequestHash.of(context.operation(), request));
        }
    }

    /** A request id already recorded by an earlier (committed) write. */
    public record StoredWrite(String operation, String subject, byte[] requestHash, byte[] response) {
        /** Whether {@code claim} is a retry of this write (same operation, caller and request). */
        public boolean isRetryOf(Claim claim) {
            return claim.context().operation().equals(operation) && claim.context().caller().subject().equals(subject)
                    && Arrays.equals(claim.requestHash(), requestHash);
        }
    }

    /** The recorded writes of these request ids. */
    public static Uni<Map<UUID, StoredWrite>> stored(SqlConnection connection, List<UUID> ids) {
        return connection.preparedQuery(
                "select request_id, operation, subject, request_sha256, response from write_record where request_id = any($1::uuid[])")
                .execute(Tuple.of(ids.toArray(new UUID[0])))
                .map(rows -> {
                    Map<UUID, StoredWrite> out = new HashMap<>();
                    for (Row row : rows) {
                        var response = row.getBuffer("response");
                        out.put(row.getUUID("request_id"), new StoredWrite(row.getString("operation"),
                                row.getString("subject"), row.getBuffer("request_sha256").getBytes(),
                                response == null ? null : response.getBytes()));
                    }
                    return out;
                });
    }

    /**
     * Records set-based writes at the end of their transaction, one row per request with its response
     * (one write per request, where {@link #claimAll} then {@link #completeAll} make two). The caller
     * has answered the retries it found with {@link #stored} first. Answers the ids recorded: an id
     * missing was recorded by a concurrent transaction, which has committed by then (the insert waited
     * for it), so the caller rolls back and answers that request as a retry.
     */
    public static Uni<Set<UUID>> recordAll(SqlConnection connection, List<Claim> claims, List<? extends Message> responses) {
        int n = claims.size();
        if (n != responses.size()) {
            throw new IllegalArgumentException(n + " claims for " + responses.size() + " responses");
        }
        if (n == 0) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] ids = new UUID[n];
        String[] operations = new String[n];
        String[] subjects = new String[n];
        String[] roles = new String[n];
        String[] organisations = new String[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] traces = new String[n];
        Buffer[] hashes = new Buffer[n];
        Buffer[] bodies = new Buffer[n];
        for (int i = 0; i < n; i++) {
            WriteContext c = claims.get(i).context();
            ids[i] = c.requestId();
            operations[i] = c.operation();
            subjects[i] = c.caller().subject();
            roles[i] = c.caller().auditRole();
            organisations[i] = c.caller().auditOrganisation();
            times[i] = c.at().atOffset(ZoneOffset.UTC);
            traces[i] = c.traceId();
            hashes[i] = Buffer.buffer(claims.get(i).requestHash());
            bodies[i] = Buffer.buffer(responses.get(i).toByteArray());
        }
        return connection.preparedQuery("""
                insert into write_record (request_id, operation, subject, role, organisation, recorded_at, trace_id,
                                          request_sha256, response)
                select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                                     $7::text[], $8::bytea[], $9::bytea[])
                on conflict (request_id) do nothing returning request_id""")
                .execute(Tuple.from(List.<Object>of(ids, operations, subjects, roles, organisations, times, traces, hashes,
                        bodies)))
                .map(rows -> {
                    Set<UUID> recorded = new HashSet<>();
                    rows.forEach(row -> recorded.add(row.getUUID("request_id")));
                    return recorded;
                });
    }
}
