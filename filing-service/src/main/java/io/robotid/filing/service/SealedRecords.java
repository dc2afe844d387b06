package io.robotid.filing.service;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.SecurityIdentity;
import io.robotid.filing.repository.FilingRecordRepository;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.tlog.TlogRecords;
import io.smallrye.mutiny.Uni;

/**
 * filing-service's sealed records by their log key (EVIDENCE.md section 13), for their evidence, to those
 * who may read them through the filing API: registrations to any authenticated caller; a model's revision
 * (and its review) only when the caller may see that revision (a filing never accepted, and a pending or
 * rejected revision, only to its manufacturer, regulators and auditors), its withdrawal when the caller
 * may see the filing. To anyone else such a record does not exist (NOT_FOUND), as the filing does not.
 */
@ApplicationScoped
public class SealedRecords implements TlogRecords {
    private static final Pattern REVISION = Pattern.compile("filing/([0-9a-f-]{36})/revision/([0-9]{1,9})(/review)?");
    private static final Pattern WITHDRAWAL = Pattern.compile("filing/([0-9a-f-]{36})/withdrawal");

    private final FilingRecordRepository records;
    private final ModelFilingService filings;
    private final SecurityIdentity identity;

    public SealedRecords(FilingRecordRepository records, ModelFilingService filings, SecurityIdentity identity) {
        this.records = records;
        this.filings = filings;
        this.identity = identity;
    }

    /** The record for the current caller, NOT_FOUND when the filing API would not show it to them. */
    @Override
    public Uni<Optional<byte[]>> record(String key) {
        return requireReadable(CallerIdentity.from(identity), key).chain(() -> records.sealed(key));
    }

    /** Fails with NOT_FOUND naming the key when the caller may not read the record. */
    public Uni<Void> requireReadable(CallerIdentity caller, String key) {
        if (key == null || !key.startsWith("filing/")) {
            return Uni.createFrom().voidItem();
        }
        Matcher revision = REVISION.matcher(key);
        if (revision.matches()) {
            int number = Integer.parseInt(revision.group(2));
            return filings.history(caller, revision.group(1)).map(visible -> {
                if (visible.stream().noneMatch(r -> r.revision == number)) {
                    throw DomainException.notFound("log record", key);
                }
                return null;
            }).onFailure(DomainException.class).transform(f -> DomainException.notFound("log record", key)).replaceWithVoid();
        }
        Matcher withdrawal = WITHDRAWAL.matcher(key);
        if (withdrawal.matches()) {
            return filings.getByFilingId(caller, withdrawal.group(1)).onFailure(DomainException.class)
                    .transform(f -> DomainException.notFound("log record", key)).replaceWithVoid();
        }
        return Uni.createFrom().failure(DomainException.notFound("log record", key));
    }

}
