package io.robotid.certification.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.robotid.evidence.codec.RecordReader;
import io.robotid.evidence.codec.RecordReader.MalformedRecord;

/**
 * Checks one stored row against its seal (EVIDENCE.md section 6). The row keeps the record it was sealed
 * with ({@code sealed}) and its hash; the record is encoded again from the row's columns now. When they
 * differ, the columns that changed are named by comparing the two records field by field, and the hash
 * the seal establishes is told apart from a changed hash column.
 */
public final class SealCheck {
    private SealCheck() {
    }

    /** A column that does not agree with the seal, and how. */
    public record Finding(String column, String problem) {
    }

    /**
     * @param intact      the columns, the stored record and the stored hash agree
     * @param genuineHash the record's hash as sealed (the stored hash, or the stored record's hash when
     *                    only the hash column changed): what other records link to
     */
    public record Result(boolean intact, String genuineHash, List<Finding> findings) {
    }

    /** How a sealed row stores its record. */
    public record Layout(String tag, List<String> fieldColumns, String sealedColumn, String hashColumn) {
        public Layout {
            fieldColumns = List.copyOf(fieldColumns);
        }
    }

    /**
     * @param recomputed the record encoded from the row's columns now
     * @param sealed     the record stored with the row, or null
     * @param storedHash the hash stored with the row, or null
     */
    public static Result check(Layout layout, byte[] recomputed, byte[] sealed, String storedHash) {
        String recomputedHash = CertificationSeals.hash(recomputed);
        List<Finding> findings = new ArrayList<>();
        if (storedHash == null) {
            findings.add(new Finding(layout.hashColumn(), "missing: the row is not sealed"));
            return new Result(false, recomputedHash, findings);
        }
        if (recomputedHash.equals(storedHash)) {
            if (!Arrays.equals(sealed, recomputed)) {
                findings.add(new Finding(layout.sealedColumn(), sealed == null ? "missing: the row keeps no sealed record"
                        : "is not the record the row's hash seals"));
            }
            return new Result(findings.isEmpty(), storedHash, findings);
        }
        String sealedHash = sealed == null ? null : CertificationSeals.hash(sealed);
        if (storedHash.equals(sealedHash)) {
            // the stored record is the one sealed: the columns that differ from it changed
            differingColumns(layout, sealed, recomputed)
                    .forEach(column -> findings.add(new Finding(column, "does not agree with the row's sealed record")));
            return new Result(false, storedHash, findings);
        }
        if (Arrays.equals(sealed, recomputed)) {
            findings.add(new Finding(layout.hashColumn(), "is not the SHA-256 of the row's sealed record"));
            return new Result(false, recomputedHash, findings);
        }
        findings.add(new Finding(layout.hashColumn(), "seals neither the row's columns nor its stored record"));
        if (sealed != null) {
            differingColumns(layout, sealed, recomputed).forEach(column -> findings.add(
                    new Finding(column, "does not agree with the row's stored record (which does not match its hash either)")));
        }
        return new Result(false, storedHash, findings);
    }

    /** The columns whose fields differ between two records of the layout's tag, in field order. */
    static Set<String> differingColumns(Layout layout, byte[] sealed, byte[] recomputed) {
        Set<String> columns = new LinkedHashSet<>();
        List<byte[]> a = fields(layout.tag(), sealed);
        List<byte[]> b = fields(layout.tag(), recomputed);
        if (a == null || b == null || a.size() != layout.fieldColumns().size() || b.size() != a.size()) {
            columns.add(layout.sealedColumn());
            return columns;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                columns.add(layout.fieldColumns().get(i));
            }
        }
        return columns;
    }

    /** One top-level field of a sealed record (its content), by position; null when there is no such field. */
    public static byte[] field(String tag, byte[] record, int index) {
        List<byte[]> all = fields(tag, record);
        return all == null || index >= all.size() ? null : all.get(index);
    }

    /** The record's top-level fields (their contents), or null when it is not a record of that tag. */
    private static List<byte[]> fields(String tag, byte[] record) {
        if (record == null) {
            return null;
        }
        try {
            RecordReader reader = RecordReader.of(record, tag);
            List<byte[]> out = new ArrayList<>();
            while (reader.hasMore()) {
                out.add(reader.bytes("field " + (out.size() + 1)));
            }
            return out;
        } catch (MalformedRecord e) {
            return null;
        }
    }
}
