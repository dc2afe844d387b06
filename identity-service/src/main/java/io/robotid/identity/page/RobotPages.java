package io.robotid.identity.page;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robotid.identity.ResolverConfig;
import io.robotid.identity.client.CertificationGateway;
import io.robotid.identity.client.FilingGateway;
import io.robotid.identity.client.LifecycleGateway;
import io.robotid.kit.security.ServiceToken;
import io.robotid.identity.domain.IdentityRecord;
import io.robotid.evidence.format.IdentityCertificates;
import io.robotid.identity.service.IdentityQueries;
import io.robotid.kit.id.RobotId;
import io.robotid.proto.certification.v1.EffectiveTier;
import io.robotid.proto.certification.v1.GetEffectiveCertificationsResponse;
import io.robotid.proto.certification.v1.MissingRequirement;
import io.robotid.proto.certification.v1.RevalidationNeed;
import io.robotid.proto.common.v1.ContactPurpose;
import io.robotid.proto.filing.v1.Manufacturer;
import io.robotid.proto.filing.v1.ModelFiling;
import io.robotid.proto.filing.v1.ModelSpecification;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;
import io.robotid.proto.lifecycle.v1.ListEventsResponse;
import io.robotid.proto.lifecycle.v1.RecallCampaign;
import io.robotid.proto.lifecycle.v1.RecallSeverity;
import io.robotid.proto.lifecycle.v1.RobotState;
import io.robotid.proto.lifecycle.v1.RobotStatus;
import io.smallrye.mutiny.Uni;

/**
 * Assembles the public robot page: the verdict from this service's identities and certificate
 * check, then the manufacturer and model (filing-service), the robot's life (lifecycle-service)
 * and its certifications (certification-service), asked in parallel, each with a deadline. A
 * peer that fails (down, slow, refusing) leaves its part out and is named in
 * {@link RobotPage#unavailable()}; the page never fails because of a peer.
 *
 * <p>Anonymous viewers: every peer is asked with this service's REGISTRY_SERVICE token and only
 * public fields are kept (owner, operator and history are dropped whatever a peer answered). A
 * viewer with a bearer token: lifecycle-service is asked with that token, so it shows custody
 * (owner, operator, the event history) exactly to those it shows it to over gRPC.
 */
@ApplicationScoped
public class RobotPages {
    private static final Logger LOG = Logger.getLogger(RobotPages.class);
    static final int HISTORY_PAGE = 50;
    static final int MAX_RECALL_TITLES = 10;

    private final IdentityQueries identities;
    private final FilingGateway filing;
    private final LifecycleGateway lifecycle;
    private final CertificationGateway certification;
    private final ServiceToken serviceToken;
    private final String publicBaseUrl;

    public RobotPages(IdentityQueries identities, FilingGateway filing, LifecycleGateway lifecycle,
            CertificationGateway certification, ServiceToken serviceToken,
            ResolverConfig config) {
        this.identities = identities;
        this.filing = filing;
        this.lifecycle = lifecycle;
        this.certification = certification;
        this.serviceToken = serviceToken;
        String base = config.publicBaseUrl();
        this.publicBaseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Who is asking: null token for anonymous. */
    public record ViewerToken(String token, String role) {
        public boolean anonymous() {
            return token == null;
        }
    }

    /** The URL a QR label encodes: the page of the ID with its certificate. */
    public String pageUrl(String canonicalId, String certificateText) {
        String url = publicBaseUrl + "/r/" + canonicalId;
        return certificateText == null || certificateText.isBlank() ? url
                : url + "?c=" + URLEncoder.encode(certificateText, StandardCharsets.UTF_8);
    }

    /** The URL a history share link gives: the robot's history report with the link's token. */
    public String historyShareUrl(String canonicalId, String shareToken) {
        return publicBaseUrl + "/r/" + canonicalId + "/history?share=" + shareToken;
    }

    /** The certificate text of an issued identity, as its label carries it. */
    public static String certificateOf(IdentityRecord record) {
        return IdentityCertificates.text(record.keyId, record.issuedAt, record.signature);
    }

    public Uni<IdentityQueries.Verification> verify(String rawId, String certificate) {
        return identities.verify(rawId, certificate);
    }

    public Uni<RobotPage> page(String rawId, String certificate, ViewerToken viewer) {
        return identities.verify(rawId, certificate).chain(v -> page(v, certificate, viewer));
    }

    private Uni<RobotPage> page(IdentityQueries.Verification v, String certificate, ViewerToken viewer) {
        RobotPage.Viewer who = new RobotPage.Viewer(viewer.anonymous(), viewer.role(), false);
        String display = display(v.canonicalId());
        switch (v.verdict()) {
            case MALFORMED:
                return Uni.createFrom().item(bare(v, RobotPage.Verdict.MALFORMED, "This is not a robot ID",
                        "A robot ID has 29 letters and digits (spaces or hyphens between the groups are fine)."
                                + " What was given does not fit: " + v.malformedReason()
                                + ". Check the label and type the ID again.", who, List.of()));
            case BAD_CHECK_CHARACTER:
                return Uni.createFrom().item(bare(v, RobotPage.Verdict.BAD_CHECK_CHARACTER,
                        "This robot ID has a mistake in it",
                        "Its last character (the check character) does not fit the rest, so at least one character is"
                                + " wrong: a typing mistake, or a label that was altered."
                                + (v.suggestions().isEmpty() ? "" : " Did you mean one of the IDs listed below?"),
                        who, v.suggestions()));
            case UNKNOWN:
                return Uni.createFrom().item(bare(v, RobotPage.Verdict.UNKNOWN, "No robot has this ID",
                        "The ID " + display + " is well formed, but the registry never issued it. A robot showing"
                                + " it is not registered: do not trust its label.", who, List.of()));
            default:
                break;
        }
        IdentityRecord record = v.identity().orElseThrow();
        switch (v.certificate()) {
            case NOT_GENUINE, UNKNOWN_KEY:
                return Uni.createFrom().item(bare(v, RobotPage.Verdict.FORGED, "This label is not genuine",
                        "The ID " + display + " was issued, but the certificate on this label is not the registry's"
                                + " signature for it: the label was forged, copied from another robot, or altered."
                                + " Do not rely on it; tell the operator of the premises or the authorities.",
                        who, List.of()));
            default:
                break;
        }
        return details(v, record, certificate, viewer);
    }

    private RobotPage bare(IdentityQueries.Verification v, RobotPage.Verdict verdict, String headline,
            String explanation, RobotPage.Viewer viewer, List<String> suggestions) {
        boolean wellFormed = verdict != RobotPage.Verdict.MALFORMED;
        return new RobotPage(v.canonicalId(), wellFormed ? display(v.canonicalId()) : null, verdict, headline,
                explanation, v.certificate().name(), null, null, null, null, null, null, List.of(), viewer, false,
                suggestions, verdict == RobotPage.Verdict.MALFORMED ? v.malformedReason() : null);
    }

    /** A part of the page and, when a peer did not give it, why. */
    record Part<T>(T value, RobotPage.Unavailable missing) {
    }

    private Uni<RobotPage> details(IdentityQueries.Verification v, IdentityRecord record, String certificate,
            ViewerToken viewer) {
        String id = v.canonicalId();
        Uni<Optional<String>> service = serviceToken.get().map(Optional::of).onFailure().recoverWithItem(failure -> {
            LOG.warnf("the page's service token could not be obtained: %s", failure.toString());
            return Optional.empty();
        }).memoize().indefinitely();

        Uni<Part<ModelFiling>> model = withService(service, "model",
                token -> filing.model(token, record.modelCode), "The model filing (name, intelligence level, data-collection notice)",
                "filing-service");
        Uni<Part<Manufacturer>> maker = withService(service, "manufacturer",
                token -> filing.manufacturer(token, record.manufacturerCode), "The manufacturer's name and contact",
                "filing-service");
        Uni<Part<GetEffectiveCertificationsResponse>> certs = withService(service, "certification",
                token -> certification.effective(token, id), "Certifications and operating limits",
                "certification-service");
        Uni<Part<LifeFacts>> life = viewer.anonymous()
                ? withService(service, "lifecycle", token -> lifeFacts(token, id, false),
                        "Status, contacts, maintenance and recalls", "lifecycle-service")
                : guard(lifeFacts(viewer.token(), id, true), "lifecycle", "Status, contacts, maintenance and recalls",
                        "lifecycle-service");

        return Uni.combine().all().unis(model, maker, certs, life).asTuple().map(t -> {
            List<RobotPage.Unavailable> unavailable = new ArrayList<>();
            for (Part<?> part : List.of(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4())) {
                if (part.missing() != null && unavailable.stream().noneMatch(u -> u.part().equals(part.missing().part()))) {
                    unavailable.add(part.missing());
                }
            }
            RobotPage.Lifecycle lifecyclePart = t.getItem4().value() == null ? null
                    : lifecycle(t.getItem4().value(), viewer);
            boolean retired = record.status == io.robotid.identity.domain.IdentityStatus.RETIRED
                    || (lifecyclePart != null && lifecyclePart.retired());
            RobotPage.Verdict verdict = retired ? RobotPage.Verdict.RETIRED
                    : v.certificate() == IdentityQueries.CertificateCheck.GENUINE ? RobotPage.Verdict.GENUINE
                            : RobotPage.Verdict.REGISTERED_NOT_VERIFIED;
            String display = display(id);
            String headline;
            String explanation;
            switch (verdict) {
                case GENUINE -> {
                    headline = "Genuine robot ID";
                    explanation = "The registry issued " + display + " and the certificate on this label is its"
                            + " signature for this ID.";
                }
                case RETIRED -> {
                    headline = "This robot ID is retired";
                    explanation = "The registry issued " + display + ", but the robot was "
                            + (lifecyclePart == null ? "taken out of use"
                                    : lifecyclePart.status().toLowerCase().replace('_', ' '))
                            + ". A retired robot must not be operating; if it is, please report it to the authorities.";
                }
                default -> {
                    headline = "Registered robot ID (label not checked)";
                    explanation = "The registry issued " + display + ". No certificate came with this address, so"
                            + " the label itself was not checked: scan the QR code on the robot to check it.";
                }
            }
            RobotPage.Lifecycle shown = lifecyclePart;
            boolean seesCustody = shown != null && (shown.history() != null || shown.owner() != null);
            boolean reportable = !retired && (lifecyclePart == null || !lifecyclePart.retired());
            return new RobotPage(id, display, verdict, headline, explanation, v.certificate().name(),
                    pageUrl(id, certificate == null || v.certificate() != IdentityQueries.CertificateCheck.GENUINE ? null
                            : certificate.trim()),
                    "/r/" + id + "/qr.png", manufacturer(t.getItem2().value(), record.manufacturerCode),
                    model(t.getItem1().value(), t.getItem3().value()), shown,
                    certification(t.getItem3().value()), unavailable,
                    new RobotPage.Viewer(viewer.anonymous(), viewer.role(), seesCustody), reportable, null, null);
        });
    }

    private <T> Uni<Part<T>> withService(Uni<Optional<String>> serviceToken, String part,
            Function<String, Uni<T>> call, String what, String peer) {
        return serviceToken.chain(token -> token.isEmpty()
                ? Uni.createFrom().item(new Part<T>(null, new RobotPage.Unavailable(part,
                        what + ": unavailable right now (the page could not sign in to " + peer + ").")))
                : guard(call.apply(token.get()), part, what, peer));
    }

    private <T> Uni<Part<T>> guard(Uni<T> call, String part, String what, String peer) {
        return call.map(value -> new Part<T>(value, null)).onFailure().recoverWithItem(failure -> {
            LOG.debugf("%s for the robot page failed: %s", peer, failure.toString());
            return new Part<T>(null, new RobotPage.Unavailable(part, what + ": unavailable right now ("
                    + peer + " " + reason(failure) + "). The rest of the page is up to date."));
        });
    }

    /** Why a peer's part is missing, in words (the page's and the history report's notes). */
    static String reason(Throwable failure) {
        if (failure instanceof StatusRuntimeException sre) {
            Status.Code code = sre.getStatus().getCode();
            return switch (code) {
                case UNAVAILABLE -> "is not reachable";
                case DEADLINE_EXCEEDED -> "did not answer in time";
                case PERMISSION_DENIED, UNAUTHENTICATED -> "refused the request";
                default -> "answered " + code;
            };
        }
        return "could not be asked";
    }

    /** What lifecycle-service told: the state, recall titles, and (for those who may see them) the events. */
    record LifeFacts(RobotState state, boolean known, List<RecallCampaign> recalls, ListEventsResponse events) {
    }

    private Uni<LifeFacts> lifeFacts(String token, String id, boolean askEvents) {
        Uni<Optional<RobotState>> state = lifecycle.status(token, id).map(Optional::of).onFailure(
                f -> f instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.NOT_FOUND)
                .recoverWithItem(Optional.empty());
        return state.chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(new LifeFacts(RobotState.getDefaultInstance(), false, List.of(), null));
            }
            RobotState s = found.get();
            List<Uni<Optional<RecallCampaign>>> titles = s.getOpenRecallsList().stream().limit(MAX_RECALL_TITLES)
                    .map(campaign -> lifecycle.recall(token, campaign).map(Optional::of).onFailure()
                            .recoverWithItem(Optional.<RecallCampaign>empty()))
                    .toList();
            Uni<List<RecallCampaign>> recalls = titles.isEmpty() ? Uni.createFrom().item(List.of())
                    : Uni.join().all(titles).andFailFast().map(all -> all.stream().flatMap(Optional::stream).toList());
            Uni<ListEventsResponse> events = askEvents ? lifecycle.events(token, id, HISTORY_PAGE).onFailure()
                    .recoverWithNull() : Uni.createFrom().nullItem();
            return Uni.combine().all().unis(recalls, events).asTuple()
                    .map(t -> new LifeFacts(s, true, t.getItem1(), t.getItem2()));
        });
    }

    private static RobotPage.Lifecycle lifecycle(LifeFacts facts, ViewerToken viewer) {
        RobotState s = facts.state();
        if (!facts.known()) {
            return new RobotPage.Lifecycle("REGISTERED", Words.status(RobotStatus.ROBOT_STATUS_REGISTERED), false, false,
                    false, null, null, null, null, null, List.of(), 0, null, null, null, null);
        }
        List<RobotPage.Recall> recalls = new ArrayList<>();
        for (String campaign : s.getOpenRecallsList()) {
            Optional<RecallCampaign> found = facts.recalls().stream().filter(r -> r.getCampaignId().equals(campaign))
                    .findFirst();
            RecallSeverity severity = found.map(RecallCampaign::getSeverity).orElse(
                    s.getOpenStopUseRecallsList().contains(campaign) ? RecallSeverity.RECALL_SEVERITY_STOP_USE
                            : RecallSeverity.RECALL_SEVERITY_ADVISORY);
            recalls.add(new RobotPage.Recall(campaign, found.map(RecallCampaign::getTitle).orElse(null),
                    Words.strip(severity.name(), "RECALL_SEVERITY_"), Words.recallSeverity(severity)));
        }
        String lastMaintenance = s.hasLastMaintenanceAt() ? Words.instant(s.getLastMaintenanceAt()).toString() : null;
        String lastMaintenanceDate = s.hasLastMaintenanceAt() ? Words.date(Words.instant(s.getLastMaintenanceAt())) : null;
        // Custody only for viewers lifecycle-service shows it to; never on the anonymous page.
        boolean custody = !viewer.anonymous() && facts.events() != null && !facts.events().getCustodyWithheld();
        String owner = !viewer.anonymous() && !s.getOwnerOrgId().isEmpty() ? s.getOwnerOrgId() : null;
        String operator = !viewer.anonymous() && !s.getOperatorOrgId().isEmpty() ? s.getOperatorOrgId() : null;
        List<RobotPage.Event> history = null;
        Boolean truncated = null;
        if (custody) {
            history = new ArrayList<>();
            for (LifecycleEvent e : facts.events().getEventsList()) {
                var at = Words.instant(e.getOccurredAt());
                history.add(new RobotPage.Event(e.getSequence(), Words.strip(e.getType().name(), "EVENT_TYPE_"),
                        Words.humanize(e.getType().name(), "EVENT_TYPE_"), at.toString(), Words.date(at),
                        Words.strip(e.getStatusAfter().name(), "ROBOT_STATUS_")));
            }
            truncated = !facts.events().getNextPageToken().isEmpty();
        }
        return new RobotPage.Lifecycle(Words.strip(s.getStatus().name(), "ROBOT_STATUS_"), Words.status(s.getStatus()),
                Words.retired(s.getStatus()), s.getStatus() == RobotStatus.ROBOT_STATUS_SUSPENDED,
                s.getOpenStopUseRecallsCount() > 0, blankToNull(s.getDeploymentSite()),
                s.hasPublicContact() ? contact(s.getPublicContact()) : null,
                s.hasEmergencyContact() ? contact(s.getEmergencyContact()) : null, lastMaintenance, lastMaintenanceDate,
                recalls, s.getUntriagedPublicReports(), owner, operator, history, truncated);
    }

    private static RobotPage.Manufacturer manufacturer(Manufacturer m, String code) {
        if (m == null) {
            return null;
        }
        RobotPage.Contact contact = m.getContactsList().stream()
                .filter(c -> c.getPurpose() == ContactPurpose.CONTACT_PURPOSE_PUBLIC).findFirst()
                .map(RobotPages::contact).orElse(null);
        return new RobotPage.Manufacturer(code, m.getLegalName(), m.getCountry(), contact);
    }

    private static RobotPage.Model model(ModelFiling filing, GetEffectiveCertificationsResponse certs) {
        if (filing == null) {
            if (certs != null && Words.level(certs.getIntelligenceLevel()) != null) {
                return new RobotPage.Model(certs.getModelCode(), null, null, Words.level(certs.getIntelligenceLevel()),
                        Words.levelText(certs.getIntelligenceLevel()), null, null, null, null, null);
            }
            return null;
        }
        ModelSpecification spec = filing.getCurrent().getSpecification();
        var data = spec.getDataCollection();
        List<String> categories = data.getCategoriesList().stream()
                .map(c -> Words.humanize(c.name(), "DATA_CATEGORY_")).toList();
        List<String> destinations = data.getDestinationsList().stream()
                .map(d -> d.getRecipient() + (d.getCountry().isEmpty() ? "" : " (" + d.getCountry() + ")")).toList();
        String retention = data.getRetentionDays() == 0 ? "Nothing is kept beyond processing."
                : "Kept for up to " + data.getRetentionDays() + " days.";
        var level = filing.getCurrent().getIntelligenceLevel();
        return new RobotPage.Model(filing.getModelCode(), spec.getName(), spec.getFamily(), Words.level(level),
                Words.levelText(level), blankToNull(data.getNotice()), categories, data.getRetentionDays(), retention,
                destinations);
    }

    private static RobotPage.Certification certification(GetEffectiveCertificationsResponse r) {
        if (r == null) {
            return null;
        }
        List<RobotPage.Tier> tiers = new ArrayList<>();
        for (EffectiveTier t : r.getTiersList()) {
            String until = t.hasValidUntil() ? Words.instant(t.getValidUntil()).toString() : null;
            String untilDate = t.hasValidUntil() ? Words.date(Words.instant(t.getValidUntil())) : null;
            List<String> bodies = t.getCertificatesList().stream().map(c -> c.getBodyId()).distinct().toList();
            tiers.add(new RobotPage.Tier(Words.strip(t.getTier().name(), "TIER_"), Words.humanize(t.getTier().name(), "TIER_"),
                    Words.limits(t.hasConditions() ? t.getConditions() : null), until, untilDate, bodies));
        }
        List<String> missing = r.getMissingList().stream().map(MissingRequirement::getRule).distinct().toList();
        List<String> revalidation = r.getNeedsRevalidationList().stream()
                .map((RevalidationNeed n) -> Words.humanize(n.getTier().name(), "TIER_") + " (" + n.getCause() + ")")
                .toList();
        return new RobotPage.Certification(tiers,
                r.getTiersCount() == 0 ? null : Words.limits(r.hasConditions() ? r.getConditions() : null), missing,
                revalidation);
    }

    private static RobotPage.Contact contact(io.robotid.proto.common.v1.Contact c) {
        return new RobotPage.Contact(blankToNull(c.getName()), blankToNull(c.getEmail()), blankToNull(c.getPhone()));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The canonical form of an input when it is a valid ID, else the input as given (for messages). */
    public static String canonicalOr(String input) {
        return input != null && RobotId.parse(input) instanceof RobotId.Valid valid ? valid.id().canonical()
                : input == null ? "" : input.length() > 64 ? input.substring(0, 64) : input;
    }

    static String display(String canonical) {
        return RobotId.parse(canonical) instanceof RobotId.Valid valid ? valid.id().displayForm() : canonical;
    }
}
