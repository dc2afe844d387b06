package io.robotid.identity.service;

import io.robotid.evidence.format.IdentityCertificates;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.robotid.identity.domain.IdentityRecord;
import io.robotid.identity.domain.IdentityStatus;
import io.robotid.identity.domain.IssuedIdentity;
import io.robotid.identity.repository.IdentityRepository;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.id.RegistryCodes;
import io.robotid.kit.id.RobotId;
import io.robotid.kit.paging.PageRequest;
import io.robotid.evidence.crypto.Ed25519;
import io.robotid.kit.validation.Violations;
import io.smallrye.mutiny.Uni;

/** Reads identities and verifies presented IDs and certificates. */
@ApplicationScoped
public class IdentityQueries implements io.robotid.kit.tlog.TlogRecords {
    /** Longest input VerifyIdentity looks at; anything longer is malformed without further work. */
    public static final int MAX_VERIFY_INPUT = 64;

    public enum Verdict { MALFORMED, BAD_CHECK_CHARACTER, UNKNOWN, VALID, RETIRED }

    public enum CertificateCheck { NOT_PRESENTED, GENUINE, NOT_GENUINE, UNKNOWN_KEY }

    /** What VerifyIdentity found. */
    public record Verification(String canonicalId, Verdict verdict, String malformedReason,
            Character expectedCheckCharacter, CertificateCheck certificate, List<String> suggestions,
            Optional<IdentityRecord> identity) {
    }

    public record Page(List<IssuedIdentity> items, String nextCursor) {
    }

    private final IdentityRepository identities;
    private final SigningKeyRing keys;

    public IdentityQueries(IdentityRepository identities, SigningKeyRing keys) {
        this.identities = identities;
        this.keys = keys;
    }

    @WithSession
    public Uni<IssuedIdentity> get(String robotId) {
        Violations v = new Violations();
        RobotId id = v.robotId("robot_id", robotId);
        v.throwIfAny();
        return identities.findById(id.canonical())
                .onItem().ifNull().failWith(() -> DomainException.notFound("identity", id.canonical()))
                .map(IdentityRecord::toIssued);
    }

    /**
     * The record an issued ID's log entry commits to (EVIDENCE.md sections 11 and 12: the certificate's
     * signed message followed by its signature), by its log key {@code identity/<robot ID>}.
     */
    @WithSession
    @Override
    public Uni<java.util.Optional<byte[]>> record(String key) {
        if (!key.startsWith("identity/")) {
            return Uni.createFrom().item(java.util.Optional.empty());
        }
        return identities.findById(key.substring("identity/".length())).map(r -> java.util.Optional.ofNullable(
                r == null ? null : io.robotid.evidence.format.IdentityCertificates.logRecord(r.robotId, r.manufacturerCode,
                        r.modelCode, r.issuedAt, r.signature)));
    }

    @WithSession
    public Uni<Page> list(String modelCode, PageRequest page) {
        Violations v = new Violations();
        String model = v.registryCode("model_code", modelCode, RegistryCodes.MODEL_LENGTH);
        v.throwIfAny();
        return identities.page(model, page.cursor(), page.fetchSize()).map(rows -> {
            boolean more = rows.size() > page.size();
            List<IdentityRecord> items = more ? rows.subList(0, page.size()) : rows;
            return new Page(items.stream().map(IdentityRecord::toIssued).toList(),
                    more ? items.get(items.size() - 1).robotId : null);
        });
    }

    /** Never fails on bad input: a bad ID is a verdict, not an error. */
    @WithSession
    public Uni<Verification> verify(String input, String certificateText) {
        String raw = input == null ? "" : input;
        if (raw.length() > MAX_VERIFY_INPUT) {
            return Uni.createFrom().item(new Verification(raw.substring(0, MAX_VERIFY_INPUT), Verdict.MALFORMED,
                    "is longer than " + MAX_VERIFY_INPUT + " characters", null, CertificateCheck.NOT_PRESENTED,
                    List.of(), Optional.empty()));
        }
        RobotId.Parsed parsed = RobotId.parse(raw);
        if (parsed instanceof RobotId.Malformed malformed) {
            // e.g. a sequence typed as 000000000000: the issued IDs one character away are the suggestions, and
            // when only one of several valid fixes was issued, the reason names it (the kit names a lone fix itself).
            List<String> near = RobotId.oneCharacterAway(malformed.normalized());
            if (near.isEmpty()) {
                return Uni.createFrom().item(new Verification(malformed.normalized(), Verdict.MALFORMED,
                        malformed.reason(), null, presentedOnly(certificateText), List.of(), Optional.empty()));
            }
            return identities.issuedAmong(near).map(found -> new Verification(malformed.normalized(), Verdict.MALFORMED,
                    near.size() > 1 && found.size() == 1 ? malformed.reason() + " (did you mean " + found.get(0) + "?)"
                            : malformed.reason(),
                    null, presentedOnly(certificateText), found, Optional.empty()));
        }
        if (parsed instanceof RobotId.BadCheckCharacter bad) {
            return identities.issuedAmong(RobotId.oneCharacterAway(bad.normalized()))
                    .map(found -> new Verification(bad.normalized(), Verdict.BAD_CHECK_CHARACTER, "", bad.expected(),
                            presentedOnly(certificateText), found, Optional.empty()));
        }
        RobotId id = ((RobotId.Valid) parsed).id();
        return identities.findById(id.canonical()).chain(record -> checkCertificate(id, certificateText)
                .map(check -> wellFormed(id, record, check)));
    }

    /** Most IDs one VerifyIdentities call asks about. */
    public static final int MAX_VERIFY_BATCH = 1_000;

    /**
     * VerifyIdentities: {@link #verify} without a certificate for each input, in the order given. The
     * well-formed IDs are read in one statement; a malformed one is verified alone, as VerifyIdentity
     * would (its suggestions are a read of their own), one after the other on the session.
     */
    @WithSession
    public Uni<List<Verification>> verifyAll(List<String> inputs) {
        Violations v = new Violations();
        v.count("robot_ids", inputs.size(), 1, MAX_VERIFY_BATCH);
        v.throwIfAny();
        java.util.Map<Integer, RobotId> wellFormed = new java.util.LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String raw = inputs.get(i) == null ? "" : inputs.get(i);
            if (raw.length() <= MAX_VERIFY_INPUT && RobotId.parse(raw) instanceof RobotId.Valid valid) {
                wellFormed.put(i, valid.id());
            }
        }
        Uni<java.util.Map<String, IdentityRecord>> found = identities.findAll(
                wellFormed.values().stream().map(RobotId::canonical).distinct().toList());
        return found.chain(records -> {
            Verification[] out = new Verification[inputs.size()];
            wellFormed.forEach((i, id) -> out[i] = wellFormed(id, records.get(id.canonical()), CertificateCheck.NOT_PRESENTED));
            Uni<Void> malformed = Uni.createFrom().voidItem();
            for (int i = 0; i < out.length; i++) {
                if (out[i] == null) {
                    int at = i;
                    malformed = malformed.chain(() -> verify(inputs.get(at), null).invoke(result -> out[at] = result))
                            .replaceWithVoid();
                }
            }
            return malformed.map(done -> List.of(out));
        });
    }

    /** The verification of a well-formed ID: UNKNOWN without a record, else VALID or RETIRED as it stands. */
    private static Verification wellFormed(RobotId id, IdentityRecord record, CertificateCheck certificate) {
        return new Verification(id.canonical(), record == null ? Verdict.UNKNOWN
                : record.status == IdentityStatus.RETIRED ? Verdict.RETIRED : Verdict.VALID, "", null, certificate,
                List.of(), Optional.ofNullable(record));
    }

    /** Whether a presented certificate is the registry's signature over this ID. */
    Uni<CertificateCheck> checkCertificate(RobotId id, String text) {
        if (text == null || text.isBlank()) {
            return Uni.createFrom().item(CertificateCheck.NOT_PRESENTED);
        }
        Optional<IdentityCertificates.Presented> presented = IdentityCertificates.parse(text);
        if (presented.isEmpty()) {
            return Uni.createFrom().item(CertificateCheck.NOT_GENUINE);
        }
        IdentityCertificates.Presented certificate = presented.get();
        return keys.publicKey(certificate.keyId()).map(key -> {
            if (key.isEmpty()) {
                return CertificateCheck.UNKNOWN_KEY;
            }
            byte[] signed = IdentityCertificates.signedBytes(id.canonical(), id.manufacturerCode(), id.modelCode(),
                    certificate.issuedAt());
            return Ed25519.verify(key.get().publicKey(), signed, certificate.signature()) ? CertificateCheck.GENUINE
                    : CertificateCheck.NOT_GENUINE;
        });
    }

    private static CertificateCheck presentedOnly(String text) {
        return text == null || text.isBlank() ? CertificateCheck.NOT_PRESENTED : CertificateCheck.NOT_GENUINE;
    }

}
