package io.robotid.evidence.tlog;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * A robot history report (EVIDENCE.md section 12, {@code robotid-history-report-v1}): a self-contained
 * JSON document holding the robot's identity, events and certification records, each as the record's
 * bytes (when the reader may see them) and its c2sp.org/tlog-proof, so that {@link HistoryReports#verify}
 * checks it offline under a witness policy. A record the reader may not see keeps only its proof, whose
 * log entry is the record's salted commitment.
 *
 * <p>Base64 fields are standard base64 with padding. {@code summary} is what the verifier derives from
 * the record's bytes ({@link HistoryReports#summary}); a report whose summary differs is refused.
 */
public record HistoryReport(String format, String robotId, String generatedAt, String audience, Model model,
        List<Entry> records, boolean eventsComplete, List<String> notes) {

    public static final String FORMAT = "robotid-history-report-v1";
    /** Sections of a report's records. */
    public static final String IDENTITY = "identity", FILING = "filing", EVENT = "event", CERTIFICATION = "certification";

    /**
     * The model's and manufacturer's names as filed, for the reader; not evidence (the filing records in
     * {@code records} are, and hold the same).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String modelCode, String manufacturerCode, String name, String manufacturer, String note) {
    }

    /**
     * One record. {@code record} and {@code salt} are absent when it is withheld; {@code payload} and
     * {@code payloadSalt} (lifecycle events) when its payload is withheld.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String section, String kind, String key, String summary, String record, String salt,
            String payload, String payloadSalt, String tlogProof) {
        public boolean withheld() {
            return record == null;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Reports above this size are refused unread (a robot with 10,000 events is about 20 MB). */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    public String toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a report; a document that is not one is {@link MalformedEvidence} naming the problem. */
    public static HistoryReport parse(String json) {
        if (json == null || json.length() > MAX_BYTES) {
            throw new MalformedEvidence("history report: missing, or larger than " + MAX_BYTES + " bytes");
        }
        HistoryReport r;
        try {
            r = JSON.readValue(json, HistoryReport.class);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new MalformedEvidence("history report: not a robotid-history-report-v1 JSON document: " + why);
        }
        if (!FORMAT.equals(r.format())) {
            throw new MalformedEvidence("history report: format is " + r.format() + ", not " + FORMAT);
        }
        if (r.robotId() == null || r.records() == null) {
            throw new MalformedEvidence("history report: robotId and records are required");
        }
        return r;
    }
}
