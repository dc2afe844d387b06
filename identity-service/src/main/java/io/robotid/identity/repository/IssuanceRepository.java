package io.robotid.identity.repository;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.identity.domain.IdentityStatus;
import io.robotid.identity.domain.IssuanceBatch;
import io.robotid.identity.domain.IssuedIdentity;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.idempotency.IdempotentWrites;
import io.robotid.evidence.format.IdentityCertificates;
import io.robotid.kit.tlog.TransparencyLog;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The issuance write path, on the reactive SQL client rather than Hibernate: a batch of up to
 * 100,000 identities goes in as a few array-valued INSERTs ({@code unnest}), which an ORM cannot do.
 */
@ApplicationScoped
public class IssuanceRepository {
    /** Rows per INSERT statement. */
    private static final int ROWS_PER_STATEMENT = 20_000;
    /** The kind of an issued ID's leaf in identity-service's transparency log (EVIDENCE.md section 11). */
    public static final String LOG_KIND = "identity";

    private static final String BUMP_COUNTER = """
            insert into sequence_counter (model_code, production_year, site_code, last_sequence)
            values ($1, $2, $3, $4)
            on conflict (model_code, production_year, site_code)
            do update set last_sequence = sequence_counter.last_sequence + excluded.last_sequence
            returning last_sequence""";

    private static final String INSERT_BATCH = """
            insert into issuance_batch (request_id, request_sha256, manufacturer_code, origin, model_code, site_code,
                production_year, first_sequence, count, issued_at, key_id, state, subject, role, organisation, at, trace_id)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'RESERVED', $12, $13, $14, $15, $16)""";

    private static final String INSERT_IDENTITIES = """
            insert into identity (robot_id, manufacturer_code, model_code, site_code, production_year, sequence,
                hardware_serial, batch_request_id, key_id, issued_at, signature)
            select t.robot_id, $2, $3, $4, $5, t.sequence, t.hardware_serial, $6, $7, $8, t.signature
            from unnest($1::text[], $9::bigint[], $10::text[], $11::bytea[]) as t(robot_id, sequence, hardware_serial, signature)
            on conflict (robot_id) do nothing""";

    private static final String SELECT_BATCH = """
            select request_id, request_sha256, subject, origin, manufacturer_code, model_code, site_code,
                   production_year, first_sequence, count, issued_at, key_id, state
            from issuance_batch where request_id = $1""";

    private final Pool database;

    private final TransparencyLog log;

    public IssuanceRepository(Pool database, TransparencyLog log) {
        this.database = database;
        this.log = log;
    }

    public Uni<Optional<IssuanceBatch>> findBatch(UUID requestId) {
        return database.preparedQuery(SELECT_BATCH).execute(Tuple.of(requestId))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(batch(rows.iterator().next())));
    }

    /**
     * Claims the request id (audit row), draws the batch's sequence range and records the batch,
     * in one short transaction. Empty when a concurrent call with the same request id got there
     * first (this call waited for it to commit): the caller then reads that batch.
     */
    public Uni<Optional<IssuanceBatch>> reserve(WriteContext context, byte[] requestHash, IssuanceBatch draft) {
        return database.withTransaction(connection -> connection.preparedQuery(IdempotentWrites.CLAIM_FOR_SQL_CLIENT)
                .execute(Tuple.from(List.of(context.requestId(), context.operation(), context.caller().subject(),
                        context.caller().auditRole(), context.caller().auditOrganisation(), utc(context),
                        context.traceId(), Buffer.buffer(requestHash))))
                .chain(claim -> claim.rowCount() == 0 ? Uni.createFrom().item(Optional.<IssuanceBatch>empty())
                        : drawRange(connection, context, requestHash, draft).map(Optional::of)));
    }

    private Uni<IssuanceBatch> drawRange(SqlConnection connection, WriteContext context, byte[] requestHash,
            IssuanceBatch draft) {
        return connection.preparedQuery(BUMP_COUNTER)
                .execute(Tuple.of(draft.modelCode(), (short) draft.productionYear(), draft.siteCode(),
                        (long) draft.count()))
                .chain(rows -> {
                    long last = rows.iterator().next().getLong(0);
                    if (last > RobotId.MAX_SEQUENCE) {
                        throw DomainException.failedPrecondition("SEQUENCE_SPACE_EXHAUSTED",
                                "model " + draft.modelCode() + " has no " + draft.count()
                                        + " sequence numbers left for this year and site",
                                java.util.Map.of("model_code", draft.modelCode()));
                    }
                    IssuanceBatch batch = new IssuanceBatch(draft.requestId(), requestHash, draft.subject(),
                            draft.origin(), draft.manufacturerCode(), draft.modelCode(), draft.siteCode(),
                            draft.productionYear(), last - draft.count() + 1, draft.count(), draft.issuedAt(),
                            draft.keyId(), IssuanceBatch.State.RESERVED);
                    return connection.preparedQuery(INSERT_BATCH).execute(Tuple.from(List.of(batch.requestId(),
                            Buffer.buffer(requestHash), batch.manufacturerCode(), batch.origin(), batch.modelCode(),
                            batch.siteCode(), (short) batch.productionYear(), batch.firstSequence(), batch.count(),
                            batch.issuedAt().atOffset(ZoneOffset.UTC), batch.keyId(), context.caller().subject(),
                            context.caller().auditRole(), context.caller().auditOrganisation(), utc(context),
                            context.traceId())))
                            .replaceWith(batch);
                });
    }

    /**
     * Stores a batch's identities in one transaction, chunk by chunk in sequence order, each inserted as soon
     * as it is ready (so storing overlaps producing them), and completes the batch; answers every identity.
     */
    public Uni<List<IssuedIdentity>> complete(IssuanceBatch batch, List<Uni<List<IssuedIdentity>>> chunks) {
        List<IssuedIdentity> all = new ArrayList<>(batch.count());
        return database.withTransaction(connection -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Uni<List<IssuedIdentity>> chunk : chunks) {
                chain = chain.chain(() -> chunk).chain(identities -> {
                    all.addAll(identities);
                    return insertAll(connection, batch, identities);
                });
            }
            return chain.chain(() -> connection.preparedQuery(
                    "update issuance_batch set state = 'COMPLETE' where request_id = $1")
                    .execute(Tuple.of(batch.requestId())).replaceWithVoid());
        }).replaceWith(all);
    }

    private Uni<Void> insertAll(SqlConnection connection, IssuanceBatch batch, List<IssuedIdentity> identities) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < identities.size(); from += ROWS_PER_STATEMENT) {
            List<IssuedIdentity> slice = identities.subList(from, Math.min(identities.size(), from + ROWS_PER_STATEMENT));
            chain = chain.chain(() -> insert(connection, batch, slice));
        }
        return chain;
    }

    private Uni<Void> insert(SqlConnection connection, IssuanceBatch batch, List<IssuedIdentity> slice) {
        // every issued ID and its certificate in the identity log, in the transaction that stores them
        List<TransparencyLog.Leaf> leaves = new ArrayList<>(slice.size());
        String[] ids = new String[slice.size()];
        Long[] sequences = new Long[slice.size()];
        String[] serials = new String[slice.size()];
        Buffer[] signatures = new Buffer[slice.size()];
        for (int i = 0; i < slice.size(); i++) {
            IssuedIdentity identity = slice.get(i);
            ids[i] = identity.robotId().canonical();
            sequences[i] = identity.robotId().sequence();
            serials[i] = identity.hardwareSerial();
            signatures[i] = Buffer.buffer(identity.signature());
            leaves.add(new TransparencyLog.Leaf(LOG_KIND, "identity/" + ids[i], IdentityCertificates.logHash(ids[i],
                    batch.manufacturerCode(), batch.modelCode(), batch.issuedAt(), identity.signature())));
        }
        return connection.preparedQuery(INSERT_IDENTITIES).execute(Tuple.from(List.of(ids, batch.manufacturerCode(),
                batch.modelCode(), batch.siteCode(), (short) batch.productionYear(), batch.requestId(), batch.keyId(),
                batch.issuedAt().atOffset(ZoneOffset.UTC), sequences, serials, signatures)))
                .chain(() -> log.appendAll(connection, leaves));
    }

    /** The identities of a completed batch, in sequence order. */
    public Uni<List<IssuedIdentity>> identitiesOf(IssuanceBatch batch) {
        return database.preparedQuery("""
                select robot_id, hardware_serial, signature, status from identity
                where batch_request_id = $1 order by sequence""").execute(Tuple.of(batch.requestId()))
                .map(rows -> {
                    List<IssuedIdentity> out = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        out.add(new IssuedIdentity(RobotId.of(row.getString("robot_id")),
                                row.getString("hardware_serial"), batch.requestId(), batch.keyId(), batch.issuedAt(),
                                row.getBuffer("signature").getBytes(), IdentityStatus.valueOf(row.getString("status"))));
                    }
                    return out;
                });
    }

    private static IssuanceBatch batch(Row row) {
        return new IssuanceBatch(row.getUUID("request_id"), row.getBuffer("request_sha256").getBytes(),
                row.getString("subject"), row.getString("origin"), row.getString("manufacturer_code"),
                row.getString("model_code"), row.getString("site_code"), row.getShort("production_year"),
                row.getLong("first_sequence"), row.getInteger("count"),
                row.getOffsetDateTime("issued_at").toInstant(), row.getString("key_id"),
                IssuanceBatch.State.valueOf(row.getString("state")));
    }

    private static OffsetDateTime utc(WriteContext context) {
        return context.at().atOffset(ZoneOffset.UTC);
    }
}
