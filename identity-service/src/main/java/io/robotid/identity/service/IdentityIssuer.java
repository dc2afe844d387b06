package io.robotid.identity.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.robotid.evidence.format.IdentityCertificates;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.identity.client.FilingGateway;
import io.robotid.identity.domain.IdentityStatus;
import io.robotid.identity.domain.IssuanceBatch;
import io.robotid.identity.domain.IssuedIdentity;
import io.robotid.identity.repository.IssuanceRepository;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.idempotency.IdempotentWrites;
import io.robotid.kit.security.Role;
import io.robotid.evidence.crypto.Ed25519;
import io.robotid.kit.validation.Violations;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Issues identities in all-or-nothing batches.
 *
 * <ol>
 * <li>A known request id is a retry: the same request gets the same batch; another is refused.</li>
 * <li>filing-service confirms the model (accepted, the caller's) and the site, with a deadline.</li>
 * <li>A short transaction claims the request id and draws the sequence range (the counter row
 * lock orders concurrent batches of one model/year/site), fixing issue time and key.</li>
 * <li>The certificates are signed on worker threads, outside any transaction.</li>
 * <li>A second transaction stores every identity and completes the batch: all IDs appear at once.</li>
 * </ol>
 * A crash between 3 and 5 leaves a reserved range that the retry completes with identical IDs and
 * certificates (Ed25519 signatures are deterministic); without a retry the range stays unused,
 * never reused.
 */
@ApplicationScoped
public class IdentityIssuer {
    public static final int MAX_COUNT = 100_000;
    public static final int MAX_SERIAL = 64;
    /** Certificates signed per worker task. */
    private static final int SIGNING_CHUNK = 2_000;

    /** A validated issuance request. */
    public record IssueCommand(String modelCode, String siteCode, int productionYear, int count,
            List<String> hardwareSerials) {
    }

    private final FilingGateway filing;
    private final IssuanceRepository issuances;
    private final SigningKeyRing keys;

    /** {@code robotid_ids_issued_total}: robot IDs issued (committed; a replayed batch is not counted again). */
    private final Counter issued;

    public IdentityIssuer(FilingGateway filing, IssuanceRepository issuances, SigningKeyRing keys, MeterRegistry meters) {
        this.filing = filing;
        this.issuances = issuances;
        this.keys = keys;
        this.issued = Counter.builder("robotid.ids.issued").description("Robot IDs issued").register(meters);
    }

    /** Checks every field; field names are the request's. */
    public static IssueCommand validate(String modelCode, String siteCode, int productionYear, int count,
            List<String> hardwareSerials) {
        Violations v = new Violations();
        String model = v.registryCode("model_code", modelCode, RegistryCodes.MODEL_LENGTH);
        String site = v.registryCode("site_code", siteCode, RegistryCodes.SITE_LENGTH);
        v.between("production_year", productionYear, 0, 99);
        v.between("count", count, 1, MAX_COUNT);
        List<String> serials = new ArrayList<>();
        if (!hardwareSerials.isEmpty()) {
            if (hardwareSerials.size() != count) {
                v.add("hardware_serials", "must be empty or hold exactly `count` (" + count + ") serials, has "
                        + hardwareSerials.size());
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < hardwareSerials.size() && i < MAX_COUNT; i++) {
                String serial = hardwareSerials.get(i) == null ? "" : hardwareSerials.get(i).trim();
                if (serial.isEmpty() || serial.length() > MAX_SERIAL || serial.chars().anyMatch(Character::isISOControl)) {
                    v.add("hardware_serials[" + i + "]", "must be 1.." + MAX_SERIAL + " printable characters");
                } else if (!seen.add(serial)) {
                    v.add("hardware_serials[" + i + "]", "repeats serial '" + serial + "'");
                }
                serials.add(serial);
            }
        }
        v.throwIfAny();
        return new IssueCommand(model, site, productionYear, count, serials);
    }

    /**
     * Issues (or, for a retry, finds) the batch and returns its identities in sequence order.
     *
     * @param requestHash hash of the whole request, to tell a retry from a reused request id
     * @param bearerToken the caller's token, forwarded to filing-service
     */
    public Uni<List<IssuedIdentity>> issue(WriteContext context, byte[] requestHash, String bearerToken,
            IssueCommand command) {
        context.caller().requireAnyRole(Role.MANUFACTURER);
        String manufacturer = context.caller().manufacturerCode().map(RegistryCodes::normalize)
                .orElseThrow(() -> DomainException.permissionDenied("NOT_CALLERS_MANUFACTURER",
                        "the token carries no manufacturer_code claim"));
        return issuances.findBatch(context.requestId()).chain(existing -> {
            if (existing.isPresent()) {
                return resume(context, requestHash, command, existing.get());
            }
            return filing.checkIssuance(bearerToken, manufacturer, command.modelCode(), command.siteCode())
                    .chain(target -> {
                        Ed25519.SigningKey signer = keys.active().key();
                        Instant issuedAt = context.at().truncatedTo(ChronoUnit.MILLIS);
                        IssuanceBatch draft = new IssuanceBatch(context.requestId(), requestHash,
                                context.caller().subject(), target.origin(), manufacturer, command.modelCode(),
                                command.siteCode(), command.productionYear(), 0, command.count(), issuedAt,
                                keys.active().keyId(), IssuanceBatch.State.RESERVED);
                        return issuances.reserve(context, requestHash, draft)
                                .chain(reserved -> reserved.isPresent()
                                        ? signAndStore(reserved.get(), signer, command)
                                        : issuances.findBatch(context.requestId()).chain(raced -> resume(context,
                                                requestHash, command, raced.orElseThrow())));
                    });
        });
    }

    /** A request id seen before: the same request continues or replays its batch; another is refused. */
    private Uni<List<IssuedIdentity>> resume(WriteContext context, byte[] requestHash, IssueCommand command,
            IssuanceBatch batch) {
        if (!Arrays.equals(batch.requestHash(), requestHash) || !batch.subject().equals(context.caller().subject())) {
            throw DomainException.invalidArgument(IdempotentWrites.REQUEST_ID_REUSED, "request_id",
                    "was already used for a different request; use a new UUID for a new request");
        }
        if (batch.state() == IssuanceBatch.State.COMPLETE) {
            return issuances.identitiesOf(batch);
        }
        Ed25519.SigningKey signer = keys.privateKey(batch.keyId()).orElseThrow(() -> DomainException.failedPrecondition(
                "SIGNING_KEY_UNAVAILABLE", "the key that began this batch (" + batch.keyId()
                        + ") is no longer loaded; it cannot be completed", Map.of("key_id", batch.keyId())));
        return signAndStore(batch, signer, command);
    }

    /**
     * Signs and stores the batch, storage overlapping signing: every chunk starts signing on the worker
     * threads at once, and the one transaction that stores the batch inserts each chunk, in sequence order,
     * as soon as it is signed (the IDs still appear all at once, when that transaction commits).
     */
    private Uni<List<IssuedIdentity>> signAndStore(IssuanceBatch batch, Ed25519.SigningKey signer, IssueCommand command) {
        List<java.util.concurrent.CompletableFuture<List<IssuedIdentity>>> chunks = sign(batch, signer,
                command.hardwareSerials());
        return issuances.complete(batch, chunks.stream().map(chunk -> Uni.createFrom().completionStage(chunk)).toList())
                .invoke(ids -> issued.increment(ids.size()))
                .onFailure().invoke(() -> chunks.forEach(chunk -> chunk.cancel(false)));
    }

    /** Starts signing every certificate of the batch on worker threads, a chunk per task; the chunks in sequence order. */
    List<java.util.concurrent.CompletableFuture<List<IssuedIdentity>>> sign(IssuanceBatch batch,
            Ed25519.SigningKey signer, List<String> serials) {
        List<java.util.concurrent.CompletableFuture<List<IssuedIdentity>>> chunks = new ArrayList<>();
        for (int from = 0; from < batch.count(); from += SIGNING_CHUNK) {
            int start = from;
            int end = Math.min(batch.count(), from + SIGNING_CHUNK);
            chunks.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> signRange(batch, signer, serials, start, end),
                    Infrastructure.getDefaultWorkerPool()));
        }
        return chunks;
    }

    private static List<IssuedIdentity> signRange(IssuanceBatch batch, Ed25519.SigningKey signer, List<String> serials,
            int start, int end) {
        List<IssuedIdentity> out = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            RobotId id = RobotId.compose(batch.origin(), batch.manufacturerCode(), batch.modelCode(),
                    batch.productionYear(), batch.siteCode(), batch.firstSequence() + i);
            byte[] signature = signer.sign(IdentityCertificates.signedBytes(id.canonical(),
                    batch.manufacturerCode(), batch.modelCode(), batch.issuedAt()));
            out.add(new IssuedIdentity(id, serials.isEmpty() ? null : serials.get(i), batch.requestId(),
                    batch.keyId(), batch.issuedAt(), signature, IdentityStatus.ACTIVE));
        }
        return out;
    }
}
