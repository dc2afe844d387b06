package io.robotid.kit.evidence;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The record of records sealed after the fact (kit table {@code evidence_migration}, EVIDENCE.md
 * section 10): what, how many, when; written in the transaction that sealed them.
 */
public final class EvidenceMigrations {
    private static final Logger LOG = Logger.getLogger(EvidenceMigrations.class);

    private EvidenceMigrations() {
    }

    /** Records a migration that sealed {@code records} records (nothing when none). */
    public static Uni<Void> record(SqlConnection connection, String what, int records, Clock clock) {
        if (records == 0) {
            return Uni.createFrom().voidItem();
        }
        LOG.warnf("sealed %d record(s) stored before they were sealed: %s (recorded in evidence_migration)", records, what);
        return connection.preparedQuery("insert into evidence_migration (what, records, migrated_at) values ($1, $2, $3)")
                .execute(Tuple.of(what, (long) records, clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }
}
