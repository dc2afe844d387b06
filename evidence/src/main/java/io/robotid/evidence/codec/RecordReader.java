package io.robotid.evidence.codec;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a record written by {@link RecordWriter}: the tag line, then fields in order. Every read names
 * the field it expected, so a malformed record is refused with a message that says which field and why.
 */
public final class RecordReader {
    private final byte[] bytes;
    private int position;
    private final String tag;

    private RecordReader(byte[] bytes, int position, String tag) {
        this.bytes = bytes;
        this.position = position;
        this.tag = tag;
    }

    /** A reader positioned after the tag line, which must be {@code expectedTag}. */
    public static RecordReader of(byte[] bytes, String expectedTag) throws MalformedRecord {
        String tag = tagOf(bytes);
        if (!tag.equals(expectedTag)) {
            throw new MalformedRecord("tag", "is '" + tag + "', expected '" + expectedTag + "'");
        }
        return new RecordReader(bytes, tag.length() + 1, tag);
    }

    /** The tag of a record (the bytes before the first LF, printable ASCII). */
    public static String tagOf(byte[] bytes) throws MalformedRecord {
        if (bytes == null) {
            throw new MalformedRecord("tag", "the record is empty");
        }
        int end = -1;
        for (int i = 0; i < bytes.length && i < 128; i++) {
            if (bytes[i] == '\n') {
                end = i;
                break;
            }
            if (bytes[i] < 0x21 || bytes[i] > 0x7e) {
                throw new MalformedRecord("tag", "is not printable ASCII");
            }
        }
        if (end <= 0) {
            throw new MalformedRecord("tag", "no tag line (at most 127 characters ending in LF)");
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    /** Reads the elements of a list field's content (no tag). */
    public static RecordReader untagged(byte[] content) {
        return new RecordReader(content, 0, "");
    }

    public String tag() {
        return tag;
    }

    public boolean hasMore() {
        return position < bytes.length;
    }

    public byte[] bytes(String field) throws MalformedRecord {
        if (bytes.length - position < 4) {
            throw new MalformedRecord(field, "missing (the record ends before it)");
        }
        long n = ((bytes[position] & 0xffL) << 24) | ((bytes[position + 1] & 0xff) << 16)
                | ((bytes[position + 2] & 0xff) << 8) | (bytes[position + 3] & 0xff);
        if (n > bytes.length - position - 4) {
            throw new MalformedRecord(field, "claims " + n + " bytes but only " + (bytes.length - position - 4) + " follow");
        }
        byte[] out = Arrays.copyOfRange(bytes, position + 4, position + 4 + (int) n);
        position += 4 + (int) n;
        return out;
    }

    public String text(String field) throws MalformedRecord {
        byte[] b = bytes(field);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedRecord(field, "is not UTF-8");
        }
    }

    public long integer(String field) throws MalformedRecord {
        byte[] b = bytes(field);
        if (b.length != 8) {
            throw new MalformedRecord(field, "is an integer: 8 bytes, not " + b.length);
        }
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        return v;
    }

    public boolean bool(String field) throws MalformedRecord {
        byte[] b = bytes(field);
        if (b.length != 1 || (b[0] != 0 && b[0] != 1)) {
            throw new MalformedRecord(field, "is a boolean: one byte 0 or 1");
        }
        return b[0] == 1;
    }

    public Boolean optionalBool(String field) throws MalformedRecord {
        int mark = position;
        byte[] b = bytes(field);
        if (b.length == 0) {
            return null;
        }
        position = mark;
        return bool(field);
    }

    public Instant instant(String field) throws MalformedRecord {
        long micros = integer(field);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    public Instant optionalInstant(String field) throws MalformedRecord {
        int mark = position;
        byte[] b = bytes(field);
        if (b.length == 0) {
            return null;
        }
        position = mark;
        return instant(field);
    }

    public Double optionalNumber(String field) throws MalformedRecord {
        byte[] b = bytes(field);
        if (b.length == 0) {
            return null;
        }
        if (b.length != 8) {
            throw new MalformedRecord(field, "is an optional number: empty or 8 bytes, not " + b.length);
        }
        long v = 0;
        for (byte x : b) {
            v = (v << 8) | (x & 0xff);
        }
        double d = Double.longBitsToDouble(v);
        if (Double.isNaN(d)) {
            throw new MalformedRecord(field, "is NaN");
        }
        return d;
    }

    public byte[] digest(String field) throws MalformedRecord {
        byte[] b = bytes(field);
        if (b.length != 32) {
            throw new MalformedRecord(field, "is a SHA-256 digest: 32 bytes, not " + b.length);
        }
        return b;
    }

    public List<String> textList(String field) throws MalformedRecord {
        RecordReader inner = untagged(bytes(field));
        List<String> out = new ArrayList<>();
        int i = 0;
        while (inner.hasMore()) {
            out.add(inner.text(field + "[" + i++ + "]"));
        }
        return out;
    }

    /** The elements of a list of untagged records. */
    public List<RecordReader> list(String field) throws MalformedRecord {
        RecordReader inner = untagged(bytes(field));
        List<RecordReader> out = new ArrayList<>();
        int i = 0;
        while (inner.hasMore()) {
            out.add(untagged(inner.bytes(field + "[" + i++ + "]")));
        }
        return out;
    }

    /** Refuses bytes after the last field a format defines. */
    public void end() throws MalformedRecord {
        if (hasMore()) {
            throw new MalformedRecord("end", (bytes.length - position) + " bytes after the last field");
        }
    }

    /** A record that does not follow its format, naming the field and the rule. */
    public static final class MalformedRecord extends Exception {
        private final String field;

        public MalformedRecord(String field, String problem) {
            super(field + ": " + problem);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
