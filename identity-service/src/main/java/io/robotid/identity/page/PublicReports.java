package io.robotid.identity.page;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robotid.identity.client.LifecycleGateway;
import io.robotid.kit.security.ServiceToken;
import io.robotid.identity.service.IdentityQueries;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.error.FieldViolation;
import io.robotid.proto.lifecycle.v1.IncidentCategory;
import io.robotid.proto.lifecycle.v1.IncidentReported;
import io.robotid.proto.lifecycle.v1.IncidentSeverity;
import io.smallrye.mutiny.Uni;

/**
 * A problem reported by anyone through the robot's public page: validated, limited per client
 * address ({@link ReportRateLimiter}), and recorded in lifecycle-service as INCIDENT_REPORTED with
 * {@code public_report = true}, a reference number for the reporter and their optional contact,
 * with this service's REGISTRY_SERVICE token. The report awaits triage by the operator or a
 * regulator; its severity is provisional (injury and hijack HIGH, the rest MEDIUM).
 */
@ApplicationScoped
public class PublicReports {
    private static final Logger LOG = Logger.getLogger(PublicReports.class);
    public static final int DESCRIPTION_MIN = 10;
    public static final int DESCRIPTION_MAX = 2000;
    public static final int CONTACT_MAX = 200;
    public static final int PLACE_MAX = 200;
    /** Largest form body accepted, in bytes (2000 characters of description can take 8 KB in UTF-8). */
    public static final int BODY_MAX_BYTES = 16 * 1024;
    private static final String REFERENCE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    /** The categories a member of the public can choose, with the words the form shows. */
    public static final Map<String, String> CATEGORIES = new LinkedHashMap<>();
    static {
        CATEGORIES.put("injury", "Someone was hurt");
        CATEGORIES.put("property_damage", "Something was damaged");
        CATEGORIES.put("malfunction", "It is not working as it should");
        CATEGORIES.put("fall", "It fell over");
        CATEGORIES.put("data_leak", "It recorded or leaked personal data");
        CATEGORIES.put("hijack", "Someone else seems to control it");
    }

    /** What the form sent (any field may be null). */
    @io.quarkus.qute.TemplateData
    public record ReportForm(String category, String description, String place, String contact) {
    }

    public record Recorded(String robotId, String reference, long sequence) {
    }

    private final IdentityQueries identities;
    private final LifecycleGateway lifecycle;
    private final ServiceToken serviceToken;
    private final ReportRateLimiter limiter;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public PublicReports(IdentityQueries identities, LifecycleGateway lifecycle, ServiceToken serviceToken,
            ReportRateLimiter limiter, Clock clock) {
        this.identities = identities;
        this.lifecycle = lifecycle;
        this.serviceToken = serviceToken;
        this.limiter = limiter;
        this.clock = clock;
    }

    public ReportRateLimiter limiter() {
        return limiter;
    }

    /** Field violations of a form, empty when it is fine. */
    public static List<FieldViolation> validate(ReportForm form) {
        List<FieldViolation> v = new ArrayList<>();
        String category = trim(form.category());
        if (category.isEmpty()) {
            v.add(new FieldViolation("category", "is required: choose what happened"));
        } else if (!CATEGORIES.containsKey(category)) {
            v.add(new FieldViolation("category", "must be one of " + String.join(", ", CATEGORIES.keySet())));
        }
        String description = trim(form.description());
        int length = description.codePointCount(0, description.length());
        if (length < DESCRIPTION_MIN || length > DESCRIPTION_MAX) {
            v.add(new FieldViolation("description", "must be " + DESCRIPTION_MIN + " to " + DESCRIPTION_MAX
                    + " characters, has " + length));
        } else if (hasControl(description, true)) {
            v.add(new FieldViolation("description", "must not contain control characters"));
        }
        String place = trim(form.place());
        if (place.codePointCount(0, place.length()) > PLACE_MAX) {
            v.add(new FieldViolation("place", "must be at most " + PLACE_MAX + " characters"));
        } else if (hasControl(place, false)) {
            v.add(new FieldViolation("place", "must be one line without control characters"));
        }
        String contact = trim(form.contact());
        if (contact.codePointCount(0, contact.length()) > CONTACT_MAX) {
            v.add(new FieldViolation("contact", "must be at most " + CONTACT_MAX + " characters"));
        } else if (hasControl(contact, false)) {
            v.add(new FieldViolation("contact", "must be one line without control characters"));
        }
        return v;
    }

    /**
     * Records the report of {@code address} about {@code rawId}. Fails with INVALID_ARGUMENT (field
     * violations), NOT_FOUND (no such issued ID), FAILED_PRECONDITION (retired robot),
     * RESOURCE_EXHAUSTED (over the rate limit) or UNAVAILABLE (lifecycle-service or the page's token).
     */
    public Uni<Recorded> submit(String rawId, ReportForm form, String address) {
        return identities.verify(rawId, null).chain(v -> {
            switch (v.verdict()) {
                case MALFORMED, BAD_CHECK_CHARACTER:
                    throw DomainException.invalidArgument("robot_id", "is not a valid robot ID");
                case UNKNOWN:
                    throw DomainException.notFound("robot", v.canonicalId());
                case RETIRED:
                    throw DomainException.failedPrecondition("ROBOT_RETIRED",
                            "this robot ID is retired; reports about it go to the authorities", Map.of("robot_id",
                                    v.canonicalId()));
                default:
                    break;
            }
            List<FieldViolation> violations = validate(form);
            if (!violations.isEmpty()) {
                throw DomainException.invalidArgument(violations);
            }
            if (!limiter.tryAcquire(address)) {
                throw DomainException.resourceExhausted("REPORT_RATE_LIMITED", "at most " + limiter.limit()
                        + " reports per " + minutes(limiter) + " from one address; try again later");
            }
            IncidentCategory category = IncidentCategory.valueOf("INCIDENT_CATEGORY_" + trim(form.category())
                    .toUpperCase(Locale.ROOT));
            String reference = reference();
            String place = trim(form.place());
            IncidentReported report = IncidentReported.newBuilder().setPublicReport(true).setCategory(category)
                    .setSeverity(category == IncidentCategory.INCIDENT_CATEGORY_INJURY
                            || category == IncidentCategory.INCIDENT_CATEGORY_HIJACK ? IncidentSeverity.INCIDENT_SEVERITY_HIGH
                                    : IncidentSeverity.INCIDENT_SEVERITY_MEDIUM)
                    .setPlace(place.isEmpty() ? "not given (reported through the public page)" : place)
                    .setDescription(trim(form.description())).setReference(reference)
                    .setReporterContact(trim(form.contact())).build();
            String id = v.canonicalId();
            return serviceToken.get()
                    .onFailure().transform(f -> DomainException.unavailable("REPORT_NOT_RECORDED",
                            "the report could not be recorded right now (the page could not sign in to lifecycle-service);"
                                    + " nothing was recorded; please try again later"))
                    .chain(token -> lifecycle.recordPublicReport(token, UUID.randomUUID().toString(), id, clock.instant(),
                            report))
                    .map(event -> new Recorded(id, reference, event.getSequence()))
                    .onFailure(StatusRuntimeException.class).transform(f -> translate((StatusRuntimeException) f));
        });
    }

    private Throwable translate(StatusRuntimeException failure) {
        Status.Code code = failure.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED) {
            serviceToken.forget();
            LOG.warnf("lifecycle-service refused the page's public report: %s", failure.getStatus());
        }
        return switch (code) {
            case FAILED_PRECONDITION -> DomainException.failedPrecondition("REPORT_NOT_ACCEPTED",
                    "the robot's current status does not take reports (" + failure.getStatus().getDescription() + ")",
                    Map.of());
            case NOT_FOUND -> DomainException.notFound("robot", "");
            default -> DomainException.unavailable("REPORT_NOT_RECORDED", "the report could not be recorded right now"
                    + " (lifecycle-service " + (code == Status.Code.DEADLINE_EXCEEDED ? "did not answer in time"
                            : code == Status.Code.UNAVAILABLE ? "is not reachable" : "answered " + code)
                    + "); nothing was recorded; please try again later");
        };
    }

    static String minutes(ReportRateLimiter limiter) {
        long m = limiter.window().toMinutes();
        return m >= 1 ? m + " minute" + (m == 1 ? "" : "s") : limiter.window().toSeconds() + " seconds";
    }

    /** PR-XXXXX-XXXXX: 50 random bits in digits and upper-case letters without I and O. */
    String reference() {
        StringBuilder b = new StringBuilder("PR-");
        for (int i = 0; i < 10; i++) {
            if (i == 5) {
                b.append('-');
            }
            b.append(REFERENCE_ALPHABET.charAt(random.nextInt(REFERENCE_ALPHABET.length())));
        }
        return b.toString();
    }

    static String trim(String s) {
        return s == null ? "" : s.strip();
    }

    private static boolean hasControl(String s, boolean multiline) {
        return s.codePoints().anyMatch(c -> Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\r' || c == '\t')));
    }
}
