package io.robotid.certification.service;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.robotid.certification.domain.CertificateChain;
import io.robotid.certification.domain.CertificationSeals;
import io.robotid.certification.domain.CertificationSeals.Sealed;
import io.robotid.certification.repository.StoredRecords;
import io.robotid.certification.repository.StoredRecords.StoredAction;
import io.robotid.certification.repository.StoredRecords.StoredMark;
import io.robotid.evidence.format.CertificationRecords;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.evidence.EvidenceMigrations;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * At start-up, before the lifecycle follower starts, seals the certification records stored before they
 * were sealed (EVIDENCE.md section 10), in one transaction, in the order their seals name each other:
 * accreditations, test results, certificates (which name their result by hash), each certificate's chain
 * of actions in the order they were written and its head, re-validation marks (marks made before lifecycle
 * feed entries carried event hashes name their event by sequence only: 64 zeros as its hash) and then
 * their clearings, and feed entries. Each kind sealed is recorded in {@code evidence_migration}; on later
 * starts nothing is left to seal.
 */
@ApplicationScoped
public class EvidenceMigration {
    private static final Logger LOG = Logger.getLogger(EvidenceMigration.class);
    /** The columns of a sealed row: its record and the record's hash. */
    private static final List<String> SEALED = List.of("sealed", "record_hash");

    private final StoredRecords records;
    private final Clock clock;

    public EvidenceMigration(StoredRecords records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    /** A write that needs the seal of a record stored before seals, while the migration has not sealed it. */
    static DomainException notYetSealed(String table) {
        return DomainException.unavailable("EVIDENCE_MIGRATION_RUNNING", "records stored before they were sealed ("
                + table + ") are being sealed at start-up; retry in a moment");
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        sealStoredBefore().await().atMost(Duration.ofMinutes(10));
        LOG.debug("evidence migration checked");
    }

    /** Seals every record that has no seal yet, in one transaction. */
    Uni<Void> sealStoredBefore() {
        return records.database().withTransaction(c -> bodies(c)
                .chain(() -> results(c))
                .chain(() -> certificates(c))
                .chain(() -> actions(c))
                .chain(() -> records.sealHeads(c))
                .chain(() -> marks(c))
                .chain(() -> clearings(c))
                .chain(() -> feed(c)));
    }

    private Uni<Void> bodies(SqlConnection c) {
        return records.unsealedBodies(c).chain(rows -> {
            List<List<Object>> values = new ArrayList<>();
            rows.forEach(b -> values.add(sealed(b.bodyId(), CertificationRecords.encode(b.sealable()))));
            return record(c, CertificationRecords.BODY_TAG, "certification_body",
                    records.seal(c, "certification_body", "body_id", SEALED, values));
        });
    }

    private Uni<Void> results(SqlConnection c) {
        return records.unsealedResults(c).chain(rows -> {
            List<List<Object>> values = new ArrayList<>();
            rows.forEach(r -> values.add(sealed(r.id(), CertificationRecords.encode(r.sealable()))));
            return record(c, CertificationRecords.RESULT_TAG, "test_result",
                    records.seal(c, "test_result", "id", SEALED, values));
        });
    }

    private Uni<Void> certificates(SqlConnection c) {
        return records.unsealedCertificates(c).chain(rows -> {
            List<List<Object>> values = new ArrayList<>();
            rows.forEach(e -> values.add(sealed(e.getKey().id(),
                    CertificationRecords.encode(e.getKey().sealable(e.getValue())))));
            return record(c, CertificationRecords.CERTIFICATE_TAG, "certificate",
                    records.seal(c, "certificate", "id", SEALED, values));
        });
    }

    /** Each unsealed chain linked in the order it was written: the first action after the certificate. */
    private Uni<Void> actions(SqlConnection c) {
        return records.actionsOfUnsealedChains(c).chain(rows -> {
            Map<UUID, List<StoredAction>> chains = new LinkedHashMap<>();
            rows.forEach(a -> chains.computeIfAbsent(a.certificateId(), k -> new ArrayList<>()).add(a));
            return records.certificateHashes(c, chains.keySet()).chain(heads -> {
                List<List<Object>> values = new ArrayList<>();
                chains.forEach((certificate, chain) -> {
                    String previous = heads.get(certificate);
                    String suspendedBy = null;
                    for (StoredAction a : chain) {
                        suspendedBy = CertificateChain.suspendedByRoleAfter(a.stateAfter(), a.stamp().role(), suspendedBy);
                        if (a.recordHash() == null) {
                            StoredAction linked = new StoredAction(a.id(), a.certificateId(), a.action(), a.stateAfter(),
                                    a.reason(), a.stamp(), previous, null, null);
                            Sealed s = Sealed.of(CertificationRecords.encode(linked.sealable(suspendedBy)));
                            values.add(List.of(a.id(), previous, s.record(), s.hash()));
                            previous = s.hash();
                        } else {
                            previous = a.recordHash();
                        }
                    }
                });
                return record(c, CertificationRecords.ACTION_TAG, "certificate_action", records.seal(c,
                        "certificate_action", "id", List.of("previous_hash", "sealed", "record_hash"), values));
            });
        });
    }

    private Uni<Void> marks(SqlConnection c) {
        return records.unsealedMarks(c, CertificationSeals.UNKNOWN_EVENT_HASH).chain(rows -> {
            List<List<Object>> values = new ArrayList<>();
            rows.forEach(m -> values.add(sealed(m.id(), CertificationRecords.encode(m.sealable()))));
            return record(c, CertificationRecords.MARK_TAG, "revalidation_mark", records.seal(c, "revalidation_mark", "id",
                    List.of("mark_sealed", "mark_hash"), values));
        });
    }

    private Uni<Void> clearings(SqlConnection c) {
        return records.unsealedClearings(c).chain(rows -> {
            List<List<Object>> values = new ArrayList<>();
            for (StoredMark m : rows) {
                if (m.clearedByCertificate() != null) {
                    values.add(sealed(m.id(), CertificationRecords.encode(m.sealableClearing(m.markHash()))));
                }
            }
            return record(c, CertificationRecords.CLEARING_TAG, "revalidation_mark", records.seal(c,
                    "revalidation_mark", "id", List.of("clearing_sealed", "clearing_hash"), values));
        });
    }

    private Uni<Void> feed(SqlConnection c) {
        return records.unsealedFeed(c).chain(rows -> {
            List<List<Object>> values = new ArrayList<>();
            rows.forEach(f -> values.add(List.of(f.sequence(),
                    CertificationSeals.hash(CertificationRecords.encode(f.sealable())))));
            return record(c, CertificationRecords.FEED_TAG, "certification_feed",
                    records.seal(c, "certification_feed", "sequence", List.of("entry_hash"), values));
        });
    }

    /** A row's key, its record and the record's hash. */
    private static List<Object> sealed(Object key, byte[] record) {
        return List.of(key, record, CertificationSeals.hash(record));
    }

    private Uni<Void> record(SqlConnection c, String tag, String table, Uni<Integer> sealing) {
        return sealing.chain(n -> EvidenceMigrations.record(c, tag + ": " + table, n, clock));
    }
}
