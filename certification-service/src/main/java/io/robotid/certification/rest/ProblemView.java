package io.robotid.certification.rest;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import io.robotid.kit.error.FieldViolation;
import io.robotid.kit.error.Problem;

/**
 * An RFC 9457 problem ({@code application/problem+json}) from the kit's {@link Problem}, with its
 * extension members in snake case: {@code reason}, {@code errors} (each broken rule: field and
 * description), {@code resource_type}, {@code resource_name}, {@code metadata}.
 */
@Schema(name = "Problem", description = "RFC 9457 problem details")
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ProblemView(
        @Schema(description = "URI of the problem type, e.g. https://robotid.io/problems/invalid-argument")
        @JsonProperty("type") String type,
        @JsonProperty("title") String title,
        @JsonProperty("status") int status,
        @JsonProperty("detail") String detail,
        @Schema(description = "The request path") @JsonProperty("instance") String instance,
        @Schema(description = "Machine-readable reason, e.g. OUTSIDE_ACCREDITATION_SCOPE, REQUEST_ID_REUSED")
        @JsonProperty("reason") String reason,
        @Schema(description = "Every broken field rule: the field (request path, e.g. conditions.max_speed_m_per_s) and the rule")
        @JsonProperty("errors") List<Violation> errors,
        @JsonProperty("resource_type") String resourceType,
        @JsonProperty("resource_name") String resourceName,
        @JsonProperty("metadata") Map<String, String> metadata) {

    @Schema(name = "FieldViolation")
    public record Violation(@JsonProperty("field") String field, @JsonProperty("description") String description) {
    }

    /**
     * The REST form of a problem: enum values in its detail, rules and metadata are spelled as the
     * REST JSON spells them ({@code PUBLIC_SPACE}, not the gRPC {@code TIER_PUBLIC_SPACE}).
     */
    static ProblemView of(Problem p, String instance) {
        Map<String, String> metadata = null;
        if (p.metadata() != null) {
            metadata = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> e : p.metadata().entrySet()) {
                metadata.put(e.getKey(), RestSpelling.text(e.getValue()));
            }
        }
        return new ProblemView(p.type(), p.title(), p.status(), RestSpelling.text(p.detail()), instance, p.reason(),
                p.errors().stream().map(ProblemView::violation).toList(), p.resourceType(), p.resourceName(), metadata);
    }

    private static Violation violation(FieldViolation f) {
        return new Violation(f.field(), RestSpelling.text(f.description()));
    }
}
