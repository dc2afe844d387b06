package io.robotid.evidence.format;

import java.time.Instant;

import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;
import io.robotid.evidence.codec.RecordWriter;

/**
 * Who made a write, when, and under which request (EVIDENCE.md "stamp"): six fields in this order,
 * subject, role, organisation, at (instant), request_id (lower-case UUID text), trace_id (hex text or empty).
 */
public record Stamp(String subject, String role, String organisation, Instant at, String requestId, String traceId) {

    public void writeTo(RecordWriter w) {
        w.text(subject).text(role).text(organisation).instant(at).text(requestId).text(traceId);
    }

    public static Stamp read(RecordReader r, String prefix) throws MalformedRecord {
        return new Stamp(r.text(prefix + "subject"), r.text(prefix + "role"), r.text(prefix + "organisation"),
                r.instant(prefix + "at"), r.text(prefix + "request_id"), r.text(prefix + "trace_id"));
    }
}
