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
import java.util.function.Function;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.robotid.kit.peers.FilingReads;
import io.robotid.kit.peers.IssuedRobots;
import io.robotid.certification.domain.Conditions;
import io.robotid.certification.domain.Environment;
import io.robotid.certification.domain.Outcome;
import io.robotid.certification.domain.Page;
import io.robotid.certification.domain.PostedTestResult;
import io.robotid.certification.domain.PostedTestResult.PostedConditions;
import io.robotid.certification.domain.Subject;
import io.robotid.certification.domain.SubjectKind;
import io.robotid.certification.domain.SubmittedTestResult;
import io.robotid.certification.domain.TestResultQuery;
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
    private final FilingReads filing;
    private final IssuedRobots identity;
    private final IdempotentWrites writes;
    private final TestResultRecorder recorder;
    private final TestResultRepository results;

    public TestResultService(BodyService bodies, FilingReads filing, IssuedRobots identity, IdempotentWrites writes,
            TestResultRecorder recorder, TestResultRepository results) {
        this.bodies = bodies;
        this.filing = filing;
        this.identity = identity;
        this.writes = writes;
        this.recorder = recorder;
        this.results = results;
    }

    /**
     * Checks and stores a posted test result, once per request id.
     *
     * <p>Idempotency keeps the answer in write_record as the transport's message bytes, and a retry (over gRPC or
     * REST) gets those bytes back unchanged. So the transport passes its request as received (only hashed, to tell a
     * retry from a reused id), how it reads as a {@link PostedTestResult} (applied here, after the caller's body is
     * checked, as before), how it answers a {@link SubmittedTestResult} (built in the write's transaction and stored
     * as built) and the parser of a stored answer; this class itself sees only the domain's types.
     *
     * @param bearerToken the caller's token, forwarded to filing-service for a model subject
     */
    public <Q extends Message, R extends Message> Uni<R> submit(WriteContext context, String bearerToken, Q request,
            Function<Q, PostedTestResult> read, Parser<R> stored, Function<SubmittedTestResult, R> answer) {
        CallerIdentity caller = context.caller();
        BodyService.callersBody(caller);
        Submission submission = validate(read.apply(request), context.at());
        return bodies.requireScope(caller, submission.tier(), submission.standards())
                .chain(body -> manufacturerOf(bearerToken, submission.subject()))
                .chain(manufacturer -> writes.execute(context, request, stored,
                        () -> recorder.record(context, submission, manufacturer).map(answer)));
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
    public static Submission validate(PostedTestResult posted, Instant now) {
        Violations v = new Violations();
        Subject subject = Subject.parse("subject", posted.subject(), v);
        Tier tier = Tier.of(posted.tier());
        if (tier == null) {
            v.add("tier", "is required: one of " + List.of(Tier.values()).stream().map(t -> t.proto().name()).toList());
        }
        List<String> standards = BodyService.standards("standards", posted.standards(), MAX_STANDARDS, v);
        Instant testDate = null;
        if (posted.testDate() == null) {
            v.add("test_date", "is required");
        } else {
            testDate = micros(posted.testDate());
            if (testDate.isAfter(now.plus(CLOCK_SKEW))) {
                v.add("test_date", "must not be in the future (at most " + CLOCK_SKEW.toMinutes()
                        + " minutes ahead of the registry's clock)");
            } else if (testDate.isBefore(EARLIEST_TEST)) {
                v.add("test_date", "must be on or after 2000-01-01");
            }
        }
        Outcome outcome = Outcome.of(posted.outcome());
        if (outcome == null) {
            v.add("outcome", "is required: OUTCOME_PASS, OUTCOME_FAIL or OUTCOME_PASS_WITH_CONDITIONS");
        }
        Conditions conditions = null;
        if (posted.conditions() != null) {
            conditions = conditions("conditions", posted.conditions(), v);
        } else if (outcome == Outcome.PASS_WITH_CONDITIONS) {
            v.add("conditions", "is required for PASS_WITH_CONDITIONS");
        }
        String uri = "";
        String sha = "";
        if (posted.evidence() == null) {
            v.add("evidence", "is required: the report's URI and SHA-256");
        } else {
            uri = posted.evidence().reportUri().trim();
            if (uri.isEmpty()) {
                v.add("evidence.report_uri", "is required");
            } else if (uri.length() > MAX_URI) {
                v.add("evidence.report_uri", "must be at most " + MAX_URI + " characters");
            } else if (!absoluteUri(uri)) {
                v.add("evidence.report_uri", "must be an absolute URI such as https://reports.example/r/123.pdf");
            }
            sha = posted.evidence().reportSha256().trim();
            if (!SHA256.matcher(sha).matches()) {
                v.add("evidence.report_sha256", "must be the report's SHA-256 as 64 hex characters");
            }
            sha = sha.toLowerCase(Locale.ROOT);
        }
        Instant validFrom = null;
        Instant validUntil = null;
        if (posted.validity() == null) {
            if (outcome != null && outcome.passed()) {
                v.add("validity", "is required for a pass: valid_until (exclusive) and optionally valid_from");
            }
        } else {
            var validity = posted.validity();
            validFrom = validity.validFrom() != null ? micros(validity.validFrom()) : testDate;
            if (validity.validUntil() == null) {
                v.add("validity.valid_until", "is required (the first instant the certificate is no longer valid)");
            } else {
                validUntil = micros(validity.validUntil());
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

    static Conditions conditions(String field, PostedConditions c, Violations v) {
        Double speed = null;
        if (c.maxSpeedMPerS() != null) {
            speed = c.maxSpeedMPerS();
            v.positiveAtMost(field + ".max_speed_m_per_s", speed, MAX_SPEED, "m/s");
        }
        Double payload = null;
        if (c.maxPayloadKg() != null) {
            payload = c.maxPayloadKg();
            v.between(field + ".max_payload_kg", payload, 0, MAX_PAYLOAD, "kg");
        }
        Environment environment = Environment.of(c.environment());
        if (environment == null) {
            v.add(field + ".environment", "is required: ENVIRONMENT_INDOOR_ONLY or ENVIRONMENT_INDOOR_AND_OUTDOOR");
        }
        if (c.peopleNearbyAllowed() == null) {
            v.add(field + ".people_nearby_allowed", "is required (true or false)");
        }
        Set<String> tasks = null;
        List<String> categories = c.allowedTaskCategories();
        if (categories.size() > 0) {
            v.count(field + ".allowed_task_categories", categories.size(), 0, MAX_TASK_CATEGORIES);
            tasks = new TreeSet<>();
            for (int i = 0; i < categories.size() && i < MAX_TASK_CATEGORIES; i++) {
                String task = categories.get(i).trim().toLowerCase(Locale.ROOT);
                if (!TASK.matcher(task).matches()) {
                    v.add(field + ".allowed_task_categories[" + i + "]",
                            "must be 1..64 of a-z, 0-9, '_', '-', '.', starting with a letter or digit");
                } else {
                    tasks.add(task);
                }
            }
        }
        if (environment == null || c.peopleNearbyAllowed() == null) {
            return null;
        }
        return new Conditions(speed, payload, environment, c.peopleNearbyAllowed(), tasks);
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
    public Uni<TestResultRecord> get(CallerIdentity caller, String resultId) {
        UUID id = uuid("result_id", resultId);
        return results.findById(id).map(result -> {
            if (result == null || !visible(caller, result)) {
                throw DomainException.notFound("test_result", id.toString());
            }
            return result;
        });
    }

    /** A page of the test results the caller may see, oldest first. */
    @WithSession
    public Uni<Page<TestResultRecord>> list(CallerIdentity caller, TestResultQuery query) {
        caller.requireAnyRole(Role.REGULATOR, Role.AUDITOR, Role.MANUFACTURER, Role.CERTIFICATION_BODY);
        Violations v = new Violations();
        String subject = null;
        if (!query.subject().isBlank()) {
            Subject parsed = Subject.parse("subject", query.subject(), v);
            subject = parsed == null ? null : parsed.canonical();
        }
        Outcome outcome = null;
        if (query.outcome() != io.robotid.proto.certification.v1.Outcome.OUTCOME_UNSPECIFIED) {
            outcome = Outcome.of(query.outcome());
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
        PageRequest page = PageRequest.of(query.pageSize(), query.pageToken(), filters);
        long after = page.isFirst() ? 0 : page.longCursor();
        return results.page(new TestResultRepository.Filter(subject, outcome, manufacturer, body), after, page.fetchSize())
                .map(rows -> {
                    boolean more = rows.size() > page.size();
                    List<TestResultRecord> items = more ? rows.subList(0, page.size()) : rows;
                    return new Page<>(items,
                            more ? PageRequest.tokenAfter(Long.toString(items.get(items.size() - 1).seq), filters) : null);
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
