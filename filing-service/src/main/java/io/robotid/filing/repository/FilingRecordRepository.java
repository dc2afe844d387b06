package io.robotid.filing.repository;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.robotid.evidence.codec.Hex;
import io.robotid.filing.domain.FilingSeals;
import io.robotid.kit.tlog.TransparencyLog;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * filing-service's sealed records (EVIDENCE.md section 13) and their transparency-log leaves: written in
 * the caller's transaction (its Hibernate session), so no write without its record and leaf; read by key.
 */
@ApplicationScoped
public class FilingRecordRepository {
    private final TransparencyLog log;
    private final Pool database;

    public FilingRecordRepository(TransparencyLog log, Pool database) {
        this.log = log;
        this.database = database;
    }

    /** Stores the records and their leaves in the current session's transaction, one after the other. */
    public Uni<Void> add(FilingSeals.Sealed... records) {
        return Panache.getSession().chain(session -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (FilingSeals.Sealed r : records) {
                chain = chain.chain(() -> session.createNativeQuery(
                        "insert into filing_record (record_key, kind, sealed, record_hash) values (?1, ?2, ?3, ?4)")
                        .setParameter(1, r.key()).setParameter(2, r.kind()).setParameter(3, r.record())
                        .setParameter(4, Hex.of(r.hash())).executeUpdate().replaceWithVoid());
            }
            return chain.chain(() -> log.appendAll(session, java.util.Arrays.stream(records).map(FilingSeals.Sealed::leaf)
                    .toList()));
        });
    }

    /** A record's sealed bytes by its log key. */
    public Uni<Optional<byte[]>> sealed(String key) {
        return database.preparedQuery("select sealed from filing_record where record_key = $1").execute(Tuple.of(key))
                .map(rows -> rows.size() == 0 ? Optional.empty()
                        : Optional.of(rows.iterator().next().getBuffer("sealed").getBytes()));
    }
}
