package io.robotid.evidence.verify;

/**
 * One thing a verification found wrong: which record (e.g. {@code event 7}), which field, and which check
 * failed, in words.
 */
public record Finding(String record, String field, String problem) {
    @Override
    public String toString() {
        return record + (field.isEmpty() ? "" : " " + field) + ": " + problem;
    }
}
