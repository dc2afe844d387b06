package io.robotid.identity.page;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robotid.identity.ResolverConfig;
import io.robotid.evidence.format.IdentityCertificates;
import io.robotid.evidence.tlog.HistoryReport;
import io.robotid.evidence.tlog.HistoryReports;
import io.robotid.identity.client.CertificationGateway;
import io.robotid.identity.client.FilingGateway;
import io.robotid.identity.client.LifecycleGateway;
import io.robotid.identity.client.TlogGateway;
import io.robotid.identity.domain.IdentityRecord;
import io.robotid.identity.service.HistoryShares;
import io.robotid.identity.service.IdentityQueries;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.security.ServiceToken;
import io.robotid.kit.tlog.TlogQueries;
import io.robotid.proto.certification.v1.Certificate;
import io.robotid.proto.certification.v1.ListCertificatesResponse;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.ListEventsResponse;
import io.robotid.proto.tlog.v1.GetRecordEvidenceResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Assembles a robot's history report (EVIDENCE.md section 12): the identity and its log proof from this
 * service, the model's filing (its manufacturer's registration, the revision in effect and its review)
 * from filing-service, every event from lifecycle-service and every certificate of the robot and of its
 * model from certification-service, each with its record's evidence from its service's transparency log. What the
 * reader may not see is withheld: its entry and proof stay, so the report still verifies.
 *
 * <ul>
 * <li>anonymous: events withheld (the public page shows no history either);</li>
 * <li>a reader with a token: events as lifecycle-service shows them to that reader;</li>
 * <li>a share link of the robot's owner: events as lifecycle-service shows them to the registry
 * (custody and telemetry payloads, and who recorded each event, withheld).</li>
 * </ul>
 * A record not yet under a cosigned checkpoint (written in the last second or two, or while the witness
 * quorum is missed) is left out and named in the notes; a peer that does not answer leaves its part out,
 * also named. The report never claims to be complete when it is not.
 */
@ApplicationScoped
public class RobotHistory {
    private static final Logger LOG = Logger.getLogger(RobotHistory.class);
    /** Most events a report holds; a longer life is reported up to here, and says so. */
    public static final int MAX_EVENTS = 5_000;
    /** Most certificates (of the robot and its model together). */
    public static final int MAX_CERTIFICATES = 500;
    static final int PARALLEL = 8;

    private final IdentityQueries identities;
    private final HistoryShares shares;
    private final LifecycleGateway lifecycle;
    private final CertificationGateway certification;
    private final FilingGateway filing;
    private final TlogGateway logs;
    private final TlogQueries ownLog;
    private final ServiceToken serviceToken;
    /** Public reports by robot ID, kept a few seconds (a failed assembly is not kept). */
    private final com.github.benmanes.caffeine.cache.AsyncCache<String, HistoryReport> publicReports;

    public RobotHistory(IdentityQueries identities, HistoryShares shares, LifecycleGateway lifecycle,
            CertificationGateway certification, FilingGateway filing, TlogGateway logs, TlogQueries ownLog,
            ServiceToken serviceToken,
            ResolverConfig config) {
        this.publicReports = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000)
                .expireAfterWrite(config.history().publicCache()).buildAsync();
        this.identities = identities;
        this.shares = shares;
        this.lifecycle = lifecycle;
        this.certification = certification;
        this.filing = filing;
        this.logs = logs;
        this.ownLog = ownLog;
        this.serviceToken = serviceToken;
    }

    /** Who reads the report: nobody in particular, a caller with a token, or the holder of a share link. */
    public sealed interface Audience {
        record Anonymous() implements Audience {
        }

        record Reader(String token, String role) implements Audience {
        }

        record Shared(String shareToken) implements Audience {
        }
    }

    /** The audience of a request: the share link when one is given, else the caller's token, else nobody. */
    public static Audience audience(io.quarkus.security.identity.SecurityIdentity identity, String shareToken) {
        if (shareToken != null && !shareToken.isEmpty()) {
            return new Audience.Shared(shareToken);
        }
        io.quarkus.oidc.AccessTokenCredential credential = identity.isAnonymous() ? null
                : identity.getCredential(io.quarkus.oidc.AccessTokenCredential.class);
        return credential == null ? new Audience.Anonymous()
                : new Audience.Reader(credential.getToken(), identity.getRoles().stream().sorted().findFirst().orElse("no role"));
    }

    public Uni<HistoryReport> report(String rawId, Audience audience) {
        return identities.verify(rawId, null).chain(v -> {
            switch (v.verdict()) {
                case MALFORMED -> throw DomainException.invalidArgument("robot_id", "is not a robot ID: " + v.malformedReason());
                case BAD_CHECK_CHARACTER -> throw DomainException.invalidArgument("robot_id",
                        "has a wrong check character (a mistyped or altered ID)");
                case UNKNOWN -> throw DomainException.notFound("robot", v.canonicalId());
                default -> {
                }
            }
            IdentityRecord record = v.identity().orElseThrow();
            if (audience instanceof Audience.Anonymous) {
                // the same for every anonymous reader: assembled at most once per robot per few seconds, so a
                // public URL cannot make this service ask its peers for thousands of proofs at will
                return Uni.createFrom().completionStage(publicReports.get(record.robotId,
                        (key, executor) -> assemble(record, audience, "public").subscribeAsCompletionStage()));
            }
            Uni<String> label = audience instanceof Audience.Shared s
                    ? shares.open(v.canonicalId(), s.shareToken()).map(share -> "share link of " + share.ownerOrgId())
                    : Uni.createFrom().item(audience instanceof Audience.Reader r ? "reader (" + r.role() + ")" : "public");
            return label.chain(who -> assemble(record, audience, who));
        });
    }

    private Uni<HistoryReport> assemble(IdentityRecord id, Audience audience, String who) {
        List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
        Uni<String> service = serviceToken.get().memoize().indefinitely();
        Uni<HistoryReport.Entry> identity = ownLog.evidence("identity/" + id.robotId)
                .onFailure(f -> f instanceof DomainException d && d.kind() == io.robotid.kit.error.ErrorKind.NOT_FOUND)
                .transform(f -> DomainException.unavailable("NOT_YET_LOGGED", "the ID " + id.robotId + " is not yet under"
                        + " a cosigned checkpoint of identity-service's log; ask again in a few seconds"))
                .map(e -> HistoryReports.shown(HistoryReport.IDENTITY, e.kind(), e.recordKey(), IdentityCertificates
                        .logRecord(id.robotId, id.manufacturerCode, id.modelCode, id.issuedAt, id.signature),
                        e.salt(), null, null, e.tlogProof()));
        Uni<Events> events = service.chain(token -> events(id.robotId, audience, token, notes));
        Uni<List<HistoryReport.Entry>> certificates = service.chain(token -> certificates(id, token, notes));
        Uni<Filing> filed = service.chain(token -> filing(id, token, notes));
        return Uni.combine().all().unis(identity, events, certificates, filed).asTuple().map(t -> {
            List<HistoryReport.Entry> records = new ArrayList<>();
            records.add(t.getItem1());
            records.addAll(t.getItem4().entries());
            records.addAll(t.getItem2().entries());
            records.addAll(t.getItem3());
            return new HistoryReport(HistoryReport.FORMAT, id.robotId, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString(),
                    who, t.getItem4().model(), records, t.getItem2().complete(), List.copyOf(notes));
        });
    }

    record Events(List<HistoryReport.Entry> entries, boolean complete) {
    }

    /** The robot's events as listed for the audience, and whether the audience may see them. */
    record Listed(List<LifecycleEvent> events, boolean shown) {
    }

    /**
     * The events once: a reader's as lifecycle-service lists them to that reader (to whom it refuses them,
     * withheld); everyone else's as it lists them to the registry, shown only through a share link.
     */
    private Uni<Listed> listed(String robot, Audience audience, String serviceToken, List<String> notes) {
        Uni<Listed> asRegistry = allEvents(serviceToken, robot).map(list -> new Listed(list, audience instanceof Audience.Shared));
        if (!(audience instanceof Audience.Reader reader)) {
            return asRegistry;
        }
        return allEvents(reader.token(), robot).map(list -> new Listed(list, true)).onFailure(RobotHistory::refused)
                .recoverWithUni(failure -> {
                    notes.add("lifecycle-service shows this reader no events (" + RobotPages.reason(failure)
                            + "): they are withheld");
                    return allEvents(serviceToken, robot).map(list -> new Listed(list, false));
                });
    }

    private static boolean refused(Throwable failure) {
        return failure instanceof StatusRuntimeException sre && (sre.getStatus().getCode() == Status.Code.PERMISSION_DENIED
                || sre.getStatus().getCode() == Status.Code.UNAUTHENTICATED);
    }

    /** Every event's evidence; shown as the audience may see it. */
    private Uni<Events> events(String robot, Audience audience, String serviceToken, List<String> notes) {
        return listed(robot, audience, serviceToken, notes).chain(listed -> {
            boolean truncated = listed.events().size() > MAX_EVENTS;
            List<LifecycleEvent> reported = truncated ? listed.events().subList(0, MAX_EVENTS) : listed.events();
            return Multi.createFrom().iterable(reported).onItem()
                    .transformToUni(e -> evidence(TlogGateway.Peer.LIFECYCLE, serviceToken, "event/" + robot + "/" + e.getSequence())
                            .map(found -> found.map(ev -> event(listed.shown() ? e : null, ev))))
                    .merge(PARALLEL).collect().asList().map(found -> {
                        List<HistoryReport.Entry> entries = found.stream().flatMap(Optional::stream)
                                .sorted(Comparator.comparingLong(RobotHistory::sequence)).toList();
                        if (truncated) {
                            notes.add("the robot has more than " + MAX_EVENTS + " events; the first " + MAX_EVENTS
                                    + " are reported");
                        }
                        if (entries.size() < reported.size()) {
                            notes.add((reported.size() - entries.size()) + " event(s) are not yet under a cosigned"
                                    + " checkpoint of lifecycle-service's log and are left out; ask again in a few seconds");
                        }
                        return new Events(entries, !truncated && entries.size() == reported.size());
                    });
        }).onFailure().recoverWithItem(failure -> {
            if (failure instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return new Events(List.of(), true);
            }
            LOG.debugf("events for the history report of %s: %s", robot, failure);
            notes.add("lifecycle-service " + RobotPages.reason(failure) + ": the events are left out");
            return new Events(List.of(), false);
        });
    }

    /** An event's entry: shown with its payload when the reader got them, else withheld. */
    private static HistoryReport.Entry event(LifecycleEvent shown, GetRecordEvidenceResponse evidence) {
        if (shown == null || shown.getSealed().isEmpty()) {
            return HistoryReports.withheld(HistoryReport.EVENT, evidence.getKind(), evidence.getRecordKey(),
                    evidence.getTlogProof());
        }
        boolean payload = !shown.getPayloadBytes().isEmpty() && !shown.getPayloadSalt().isEmpty();
        return HistoryReports.shown(HistoryReport.EVENT, evidence.getKind(), evidence.getRecordKey(),
                shown.getSealed().toByteArray(), evidence.getSalt().toByteArray(),
                payload ? shown.getPayloadBytes().toByteArray() : null, payload ? shown.getPayloadSalt().toByteArray() : null,
                evidence.getTlogProof());
    }

    /** A public record's entry, with the record its service gave; withheld when it gave none. */
    private static HistoryReport.Entry entry(String section, GetRecordEvidenceResponse ev) {
        return ev.getRecord().isEmpty()
                ? HistoryReports.withheld(section, ev.getKind(), ev.getRecordKey(), ev.getTlogProof())
                : HistoryReports.shown(section, ev.getKind(), ev.getRecordKey(), ev.getRecord().toByteArray(),
                        ev.getSalt().toByteArray(), null, null, ev.getTlogProof());
    }

    /** The entries of these keys in a peer's log, in order; those not (yet) under a checkpoint named in the notes. */
    private Uni<List<HistoryReport.Entry>> entries(TlogGateway.Peer peer, String section, String token, List<String> keys,
            List<String> notes, String what) {
        return Multi.createFrom().iterable(keys).onItem()
                .transformToUni(key -> evidence(peer, token, key).map(found -> found.map(ev -> entry(section, ev))))
                .concatenate().collect().asList().map(found -> {
                    List<HistoryReport.Entry> entries = found.stream().flatMap(Optional::stream).toList();
                    if (entries.size() < keys.size()) {
                        notes.add((keys.size() - entries.size()) + " " + what);
                    }
                    return entries;
                });
    }

    /** The robot's and its model's certificates, each with its test result and its chain of actions, oldest first. */
    private Uni<List<HistoryReport.Entry>> certificates(IdentityRecord id, String token, List<String> notes) {
        Uni<List<Certificate>> unit = allCertificates(token, id.robotId);
        Uni<List<Certificate>> model = allCertificates(token, id.modelCode);
        return Uni.combine().all().unis(unit, model).asTuple().chain(t -> {
            List<Certificate> all = new ArrayList<>(t.getItem2());
            all.addAll(t.getItem1());
            if (all.size() > MAX_CERTIFICATES) {
                notes.add("more than " + MAX_CERTIFICATES + " certificates; the first " + MAX_CERTIFICATES + " are reported");
            }
            List<Certificate> reported = all.size() > MAX_CERTIFICATES ? all.subList(0, MAX_CERTIFICATES) : all;
            List<String> keys = new ArrayList<>();
            for (Certificate c : reported) {
                keys.add("result/" + c.getResultId());
                keys.add("certificate/" + c.getCertificateId());
            }
            return entries(TlogGateway.Peer.CERTIFICATION, HistoryReport.CERTIFICATION, token, keys, notes,
                    "certification record(s) are not yet under a cosigned checkpoint of certification-service's log and"
                            + " are left out")
                    .chain(entries -> Multi.createFrom().iterable(reported).onItem().transformToUni(c -> actions(token, c))
                            .concatenate().collect().asList().map(chains -> {
                                List<HistoryReport.Entry> out = new ArrayList<>(entries);
                                chains.forEach(out::addAll);
                                return out;
                            }));
        }).onFailure().recoverWithItem(failure -> {
            notes.add("certification-service " + RobotPages.reason(failure) + ": the certification records are left out");
            return List.of();
        });
    }

    /** The model's filing: the names for the reader, and as evidence its manufacturer, revision in effect and its review. */
    record Filing(HistoryReport.Model model, List<HistoryReport.Entry> entries) {
    }

    /** Most actions followed back from a certificate's head. */
    static final int MAX_ACTIONS = 100;

    /** A certificate's chain of actions (EVIDENCE.md 6.4), followed back from its head, oldest first. */
    private Uni<List<HistoryReport.Entry>> actions(String token, Certificate c) {
        List<HistoryReport.Entry> chain = new ArrayList<>();
        return walk(token, c, c.getHeadSha256(), chain).map(ignored -> {
            java.util.Collections.reverse(chain);
            return chain;
        });
    }

    private Uni<Void> walk(String token, Certificate c, String hash, List<HistoryReport.Entry> chain) {
        if (hash.isEmpty() || hash.equals(c.getRecordSha256()) || chain.size() >= MAX_ACTIONS) {
            return Uni.createFrom().voidItem();
        }
        String key = "certificate/" + c.getCertificateId() + "/action/" + hash;
        return evidence(TlogGateway.Peer.CERTIFICATION, token, key).chain(found -> {
            if (found.isEmpty() || found.get().getRecord().isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            byte[] record = found.get().getRecord().toByteArray();
            chain.add(entry(HistoryReport.CERTIFICATION, found.get()));
            try {
                return walk(token, c, io.robotid.evidence.codec.Hex.of(
                        io.robotid.evidence.format.CertificationRecords.decodeAction(record).previousHash()), chain);
            } catch (io.robotid.evidence.codec.RecordReader.MalformedRecord e) {
                return Uni.createFrom().voidItem(); // shown as it is; the verifier names it
            }
        });
    }

    private Uni<Filing> filing(IdentityRecord id, String token, List<String> notes) {
        String note = "names as filed with filing-service, for reading (not evidence); the filing records below are the evidence";
        return Uni.combine().all().unis(filing.model(token, id.modelCode), filing.manufacturer(token, id.manufacturerCode))
                .asTuple().chain(t -> {
                    HistoryReport.Model model = new HistoryReport.Model(id.modelCode, id.manufacturerCode,
                            t.getItem1().getCurrent().getSpecification().getName(), t.getItem2().getLegalName(), note);
                    String revision = "filing/" + t.getItem1().getFilingId() + "/revision/" + t.getItem1().getCurrent().getRevision();
                    return entries(TlogGateway.Peer.FILING, HistoryReport.FILING, token,
                            List.of("manufacturer/" + id.manufacturerCode, revision, revision + "/review"), notes,
                            "filing record(s) are not in filing-service's log (filed before it kept one, or not yet under a"
                                    + " cosigned checkpoint)")
                            .map(entries -> new Filing(model, entries));
                }).onFailure().recoverWithItem(failure -> {
                    notes.add("filing-service " + RobotPages.reason(failure) + ": the model's filing records are left out");
                    return new Filing(new HistoryReport.Model(id.modelCode, id.manufacturerCode, null, null, note), List.of());
                });
    }

    /** A record's evidence, or empty while its leaf is not under a served (cosigned) checkpoint. */
    private Uni<Optional<GetRecordEvidenceResponse>> evidence(TlogGateway.Peer peer, String token, String key) {
        return logs.evidence(peer, token, key).map(Optional::of).onFailure(
                f -> f instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.NOT_FOUND)
                .recoverWithItem(Optional.empty());
    }

    private Uni<List<LifecycleEvent>> allEvents(String token, String robot) {
        return pages(pageToken -> lifecycle.events(token, robot, 500, pageToken), ListEventsResponse::getEventsList,
                ListEventsResponse::getNextPageToken, MAX_EVENTS + 1);
    }

    private Uni<List<Certificate>> allCertificates(String token, String subject) {
        return pages(pageToken -> certification.certificates(token, subject, pageToken),
                ListCertificatesResponse::getCertificatesList, ListCertificatesResponse::getNextPageToken, MAX_CERTIFICATES + 1);
    }

    /** Follows next-page tokens until the last page or {@code limit} items. */
    private static <R, T> Uni<List<T>> pages(Function<String, Uni<R>> page, Function<R, List<T>> items,
            Function<R, String> next, int limit) {
        List<T> out = new ArrayList<>();
        return Multi.createBy().repeating().uni(() -> new String[] { "" }, cursor -> page.apply(cursor[0]).invoke(r -> {
            out.addAll(items.apply(r));
            cursor[0] = next.apply(r);
        }).map(next)).whilst(token -> !token.isEmpty() && out.size() < limit).collect().last()
                .map(ignored -> out.size() > limit ? out.subList(0, limit) : out);
    }

    private static long sequence(HistoryReport.Entry e) {
        return Long.parseLong(e.key().substring(e.key().lastIndexOf('/') + 1));
    }
}
