package io.robotid.kit.audit;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/**
 * Who wrote a row, when, under which request and trace. Embedded in every entity a write
 * creates or changes; entities with two stamps rename the columns with {@code @AttributeOverride}.
 */
@Embeddable
public class AuditStamp {
    @Column(name = "subject", nullable = false)
    public String subject;
    @Column(name = "role", nullable = false)
    public String role;
    @Column(name = "organisation", nullable = false)
    public String organisation;
    @Column(name = "at", nullable = false)
    public Instant at;
    @Column(name = "request_id", nullable = false)
    public UUID requestId;
    @Column(name = "trace_id", nullable = false)
    public String traceId;

    public AuditStamp() {
    }

    public AuditStamp(String subject, String role, String organisation, Instant at, UUID requestId, String traceId) {
        this.subject = subject;
        this.role = role;
        this.organisation = organisation;
        this.at = at;
        this.requestId = requestId;
        this.traceId = traceId;
    }

    /** The stamp as sealed records hold it (EVIDENCE.md "stamp"): the request id as lower-case UUID text. */
    public io.robotid.evidence.format.Stamp sealable() {
        return new io.robotid.evidence.format.Stamp(subject, role, organisation, at, requestId.toString(), traceId);
    }
}
