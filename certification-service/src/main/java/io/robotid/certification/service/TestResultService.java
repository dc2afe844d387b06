package io.robotid.certification.service;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.robotid.certification.client.FilingGateway;
import io.robotid.certification.client.IdentityGateway;
import io.robotid.certification.domain.Conditions;
import io.robotid.certification.domain.Environment;
import io.robotid.certification.domain.Outcome;
import io.robotid.certification.domain.Subject;
import io.robotid.certification.domain.SubjectKind;
import io.robotid.certification.domain.TestResultRecord;
import io.robotid.certification.domain.Tier;
import io.robotid.certification.repository.TestResultRepository;
import io.robotid.kit.audit.WriteContext;
import io.robotid.kit.error.DomainException;
import io.robotid.kit.idempotency.IdempotentWrites;
import io.robotid.kit.paging.PageRequest;
import io.robotid.kit.security.CallerIdentity;
import io.robotid.kit.security.Role;
import io.robotid.kit.validation.Violations;
import io.robotid.proto.certification.v1.GetTestResultResponse;
import io.robotid.proto.certification.v1.ListTestResultsRequest;
import io.robotid.proto.certification.v1.ListTestResultsResponse;
import io.robotid.proto.certification.v1.OperatingConditions;
import io.robotid.proto.certification.v1.SubmitTestResultRequest;
import io.robotid.proto.certification.v1.SubmitTestResultResponse;
import io.robotid.proto.identity.v1.Verdict;
import io.smallrye.mutiny.Uni;

/**
 * Test results: a body posts one for a model or a unit within its accreditation scope; passes
 * become certificates (TestResultRecorder, in the transaction of the idempotency record).
 *
 * <p>Order of checks: the fields (INVALID_ARGUMENT, every broken rule at once), the caller's
 * accreditation scope (PERMISSION_DENIED), the subject with filing-service or identity-service
 * (NOT_FOUND; UNAVAILABLE when they cannot tell), then one transaction claims the request id and
 * stores the result, its certificate, cleared re-validation marks and feed entries.
 */
@ApplicationScoped
public class TestResultService {
    /** The operation name of the idempotency record, shared by gRPC and REST submissions. */
    public static final String OPERATION = "SubmitTestResult";
    public static final int MAX_STANDARDS = 20;
    public static final int MAX_TASK_CATEGORIES = 50;
    public static final int MAX_URI = 2000;
    public static final double MAX_SPEED = 20;
    public static final double MAX_PAYLOAD = 1000;
    public static final Duration MAX_VALIDITY = Duration.ofDays(3653);
    /** Clock skew tolerated between a body's clock and the registry's for test dates. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    static final Instant EARLIEST_TEST = Instant.parse("2000-01-01T00:00:00Z");
    static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    static final Pattern TASK = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    /** A request that passed the field rules. */
    public record Submission(Subject subject, Tier tier, List<String> standards, Instant testDate, Outcome outcome,
            Conditions conditions, String reportUri, String reportSha256, Instant validFrom, Instant validUntil) {
    }

    private final BodyService bodies;
    private final FilingGateway filing;
    private final IdentityGateway identity;
    private final IdempotentWrites writes;
    private final TestResultRecorder recorder;
    private final TestResultRepository results;

    public TestResultService(BodyService bodies, FilingGateway filing, IdentityGateway identity, IdempotentWrites writes,
            TestResultRecorder recorder, TestResultRepository results) {
        this.bodies = bodies;
        this.filing = filing;
        this.identity = identity;
        this.writes = writes;
        this.recorder = recorder;
        this.results = results;
    }

    /**
     * @param bearerToken the caller's token, forwarded to filing-service for a model subject
     */
    public Uni<SubmitTestResultResponse> submit(WriteContext context, String bearerToken, SubmitTestResultRequest request) {
        CallerIdentity caller = context.caller();
        BodyService.callersBody(caller);
        Submission submission = validate(request, context.at());
        return bodies.requireScope(caller, submission.tier(), submission.standards())
                .chain(body -> manufacturerOf(bearerToken, submission.subject()))
                .chain(manufacturer -> writes.execute(context, request, SubmitTestResultResponse.parser(),
                        () -> recorder.record(context, submission, manufacturer)));
    }

    /** The subject's manufacturer, once filing-service or identity-service confirmed it exists. */
    private Uni<String> manufacturerOf(String bearerToken, Subject subject) {
        if (subject.kind() == SubjectKind.MODEL) {
            return filing.model(bearerToken, subject.modelCode()).map(model -> model.getManufacturerCode());
        }
        return identity.requireIssued(subject.robotId(), true).map(verdict -> {
            if (verdict == Verdict.VERDICT_RETIRED) {
                throw DomainException.failedPrecondition("ROBOT_RETIRED", "robot " + subject.canonical()
                        + " is retired (scrapped); it is not certified any more",
                        Map.of("robot_id", subject.canonical()));
            }
            return subject.robotId().manufacturerCode();
        });
    }

    /** Every field rule of SubmitTestResult, at once; field names are the request's. */
    public static Submission validate(SubmitTestResultRequest request, Instant now) {
        Violations v = new Violations();
        Subject subject = Subject.parse("subject", request.getSubject(), v);
        Tier tier = Tier.of(request.getTier());
        if (tier == null) {
            v.add("tier", "is required: one of " + List.of(Tier.values()).stream().map(t -> t.proto().name()).toList());
        }
        List<String> standards = BodyService.standards("standards", request.getStandardsList(), MAX_STANDARDS, v);
        Instant testDate = null;
        if (!request.hasTestDate()) {
            v.add("test_date", "is required");
        } else {
            testDate = micros(CertificationProtos.instant(request.getTestDate()));
            if (testDate.isAfter(now.plus(CLOCK_SKEW))) {
                v.add("test_date", "must not be in the future (at most " + CLOCK_SKEW.toMinutes()
                        + " minutes ahead of the registry's clock)");
            } else if (testDate.isBefore(EARLIEST_TEST)) {
                v.add("test_date", "must be on or after 2000-01-01");
            }
        }
        Outcome outcome = Outcome.of(request.getOutcome());
        if (outcome == null) {
            v.add("outcome", "is required: OUTCOME_PASS, OUTCOME_FAIL or OUTCOME_PASS_WITH_CONDITIONS");
        }
        Conditions conditions = null;
        if (request.hasConditions()) {
            conditions = conditions("conditions", request.getConditions(), v);
        } else if (outcome == Outcome.PASS_WITH_CONDITIONS) {
            v.add("conditions", "is required for PASS_WITH_CONDITIONS");
        }
        String uri = "";
        String sha = "";
        if (!request.hasEvidence()) {
            v.add("evidence", "is required: the report's URI and SHA-256");
        } else {
            uri = request.getEvidence().getReportUri().trim();
            if (uri.isEmpty()) {
                v.add("evidence.report_uri", "is required");
            } else if (uri.length() > MAX_URI) {
                v.add("evidence.report_uri", "must be at most " + MAX_URI + " characters");
            } else if (!absoluteUri(uri)) {
                v.add("evidence.report_uri", "must be an absolute URI such as https://reports.example/r/123.pdf");
            }
            sha = request.getEvidence().getReportSha256().trim();
            if (!SHA256.matcher(sha).matches()) {
                v.add("evidence.report_sha256", "must be the report's SHA-256 as 64 hex characters");
            }
            sha = sha.toLowerCase(Locale.ROOT);
        }
        Instant validFrom = null;
        Instant validUntil = null;
        if (!request.hasValidity()) {
            if (outcome != null && outcome.passed()) {
                v.add("validity", "is required for a pass: valid_until (exclusive) and optionally valid_from");
            }
        } else {
            var validity = request.getValidity();
            validFrom = validity.hasValidFrom() ? micros(CertificationProtos.instant(validity.getValidFrom())) : testDate;
            if (!validity.hasValidUntil()) {
                v.add("validity.valid_until", "is required (the first instant the certificate is no longer valid)");
            } else {
                validUntil = micros(CertificationProtos.instant(validity.getValidUntil()));
                if (validFrom != null && !validUntil.isAfter(validFrom)) {
                    v.add("validity.valid_until", "must be after valid_from (" + validFrom + ")");
                } else if (validFrom != null && Duration.between(validFrom, validUntil).compareTo(MAX_VALIDITY) > 0) {
                    v.add("validity.valid_until", "must be at most 10 years (3653 days) after valid_from");
                }
            }
        }
        v.throwIfAny();
        return new Submission(subject, tier, standards, testDate, outcome, conditions, uri, sha, validFrom, validUntil);
    }

    /** Finer digits than a microsecond are dropped: the registry stores and seals instants to the microsecond. */
    private static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    static Conditions conditions(String field, OperatingConditions c, Violations v) {
        Double speed = null;
        if (c.hasMaxSpeedMPerS()) {
            speed = c.getMaxSpeedMPerS();
            v.positiveAtMost(field + ".max_speed_m_per_s", speed, MAX_SPEED, "m/s");
        }
        Double payload = null;
        if (c.hasMaxPayloadKg()) {
            payload = c.getMaxPayloadKg();
            v.between(field + ".max_payload_kg", payload, 0, MAX_PAYLOAD, "kg");
        }
        Environment environment = Environment.of(c.getEnvironment());
        if (environment == null) {
            v.add(field + ".environment", "is required: ENVIRONMENT_INDOOR_ONLY or ENVIRONMENT_INDOOR_AND_OUTDOOR");
        }
        if (!c.hasPeopleNearbyAllowed()) {
            v.add(field + ".people_nearby_allowed", "is required (true or false)");
        }
        Set<String> tasks = null;
        if (c.getAllowedTaskCategoriesCount() > 0) {
            v.count(field + ".allowed_task_categories", c.getAllowedTaskCategoriesCount(), 0, MAX_TASK_CATEGORIES);
            tasks = new TreeSet<>();
            for (int i = 0; i < c.getAllowedTaskCategoriesCount() && i < MAX_TASK_CATEGORIES; i++) {
                String task = c.getAllowedTaskCategories(i).trim().toLowerCase(Locale.ROOT);
                if (!TASK.matcher(task).matches()) {
                    v.add(field + ".allowed_task_categories[" + i + "]",
                            "must be 1..64 of a-z, 0-9, '_', '-', '.', starting with a letter or digit");
                } else {
                    tasks.add(task);
                }
            }
        }
        if (environment == null || !c.hasPeopleNearbyAllowed()) {
            return null;
        }
        return new Conditions(speed, payload, environment, c.getPeopleNearbyAllowed(), tasks);
    }

    private static boolean absoluteUri(String text) {
        try {
            URI uri = new URI(text);
            return uri.isAbsolute() && uri.getScheme().matches("[A-Za-z][A-Za-z0-9+.-]*")
                    && (uri.isOpaque() || uri.getHost() != null || uri.getAuthority() != null);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * A test result, if the caller may see it: regulators, auditors, the body that posted it and
     * the subject's manufacturer. To anyone else it does not exist.
     */
    @WithSession
    public Uni<GetTestResultResponse> get(CallerIdentity caller, String resultId) {
        UUID id = uuid("result_id", resultId);
        return results.findById(id).map(result -> {
            if (result == null || !visible(caller, result)) {
                throw DomainException.notFound("test_result", id.toString());
            }
            return GetTestResultResponse.newBuilder().setResult(CertificationProtos.result(result)).build();
        });
    }

    @WithSession
    public Uni<ListTestResultsResponse> list(CallerIdentity caller, ListTestResultsRequest request) {
        caller.requireAnyRole(Role.REGULATOR, Role.AUDITOR, Role.MANUFACTURER, Role.CERTIFICATION_BODY);
        Violations v = new Violations();
        String subject = null;
        if (!request.getSubject().isBlank()) {
            Subject parsed = Subject.parse("subject", request.getSubject(), v);
            subject = parsed == null ? null : parsed.canonical();
        }
        Outcome outcome = null;
        if (request.getOutcomeValue() != 0) {
            outcome = Outcome.of(request.getOutcome());
            if (outcome == null) {
                v.add("outcome", "must be OUTCOME_PASS, OUTCOME_FAIL or OUTCOME_PASS_WITH_CONDITIONS, or unset");
            }
        }
        v.throwIfAny();
        String manufacturer = null;
        String body = null;
        if (!caller.hasAny(Role.REGULATOR, Role.AUDITOR)) {
            if (caller.has(Role.MANUFACTURER)) {
                manufacturer = caller.manufacturerCode().orElseThrow(() -> DomainException.permissionDenied(
                        "NOT_CALLERS_MANUFACTURER", "the token carries no manufacturer_code claim"));
            } else {
                body = BodyService.callersBody(caller);
            }
        }
        String filters = "subject=" + subject + "|outcome=" + outcome + "|m=" + manufacturer + "|b=" + body;
        PageRequest page = PageRequest.of(request.getPageSize(), request.getPageToken(), filters);
        long after = page.isFirst() ? 0 : page.longCursor();
        return results.page(new TestResultRepository.Filter(subject, outcome, manufacturer, body), after, page.fetchSize())
                .map(rows -> {
                    boolean more = rows.size() > page.size();
                    List<TestResultRecord> items = more ? rows.subList(0, page.size()) : rows;
                    ListTestResultsResponse.Builder b = ListTestResultsResponse.newBuilder();
                    items.forEach(r -> b.addResults(CertificationProtos.result(r)));
                    if (more) {
                        b.setNextPageToken(PageRequest.tokenAfter(Long.toString(items.get(items.size() - 1).seq), filters));
                    }
                    return b.build();
                });
    }

    static boolean visible(CallerIdentity caller, TestResultRecord result) {
        return caller.hasAny(Role.REGULATOR, Role.AUDITOR)
                || caller.actsForManufacturer(result.manufacturerCode)
                || (caller.has(Role.CERTIFICATION_BODY)
                        && caller.certificationBodyId().map(result.bodyId::equals).orElse(false));
    }

    static UUID uuid(String field, String value) {
        try {
            String text = value == null ? "" : value.trim();
            UUID id = UUID.fromString(text);
            if (!id.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidArgument(field, value == null || value.isBlank() ? "is required (a UUID)"
                    : "must be a UUID such as 3f1c2d9e-8a4b-4c6d-9e2f-1a2b3c4d5e6f");
        }
    }
}
