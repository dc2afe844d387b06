package io.robotid.evidence.codec;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;

/**
 * Writes a record in the registry's record encoding (EVIDENCE.md section 1): a tag line (ASCII, ending
 * in LF) and then the fields in the order a format gives them, each as a 4-byte big-endian length and
 * that many bytes of content. Contents by type: text as its UTF-8 bytes, integers as 8 bytes
 * big-endian two's complement, instants as such an integer of microseconds since the Unix epoch,
 * booleans as one byte 0 or 1, optional numbers as nothing (absent) or 8 bytes IEEE 754 binary64
 * big-endian, digests and other bytes as they are, and lists as the concatenation of their elements,
 * each encoded as a field.
 */
public final class RecordWriter {
    private byte[] buf;
    private int size;

    private RecordWriter(int capacity) {
        buf = new byte[capacity];
    }

    /** A record that starts with the tag line {@code tag + "\n"}. */
    public static RecordWriter tagged(String tag) {
        RecordWriter w = new RecordWriter(256);
        for (int i = 0; i < tag.length(); i++) {
            char c = tag.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("a tag is printable ASCII without spaces: " + tag);
            }
        }
        w.raw(tag.getBytes(StandardCharsets.US_ASCII));
        w.raw(new byte[] { '\n' });
        return w;
    }

    /** The content of a list: elements only, no tag (see {@link #list}). */
    public static RecordWriter untagged() {
        return new RecordWriter(64);
    }

    public RecordWriter text(String value) {
        return bytes(value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8));
    }

    public RecordWriter bytes(byte[] value) {
        byte[] v = value == null ? new byte[0] : value;
        length(v.length);
        raw(v);
        return this;
    }

    /** A SHA-256 digest: exactly 32 bytes. */
    public RecordWriter digest(byte[] value) {
        if (value == null || value.length != 32) {
            throw new IllegalArgumentException("a digest field holds 32 bytes");
        }
        return bytes(value);
    }

    public RecordWriter integer(long value) {
        length(8);
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    public RecordWriter bool(boolean value) {
        length(1);
        raw(new byte[] { (byte) (value ? 1 : 0) });
        return this;
    }

    /** An optional boolean: empty when absent, else one byte 0 or 1. */
    public RecordWriter optionalBool(Boolean value) {
        return value == null ? bytes(null) : bool(value);
    }

    /** Microseconds since the epoch; an instant with finer digits is refused (the registry keeps microseconds). */
    public RecordWriter instant(Instant value) {
        return integer(micros(value));
    }

    /** An optional instant: empty when absent. */
    public RecordWriter optionalInstant(Instant value) {
        return value == null ? bytes(null) : instant(value);
    }

    /** An optional number: empty when absent, else IEEE 754 binary64 big-endian. NaN is refused. */
    public RecordWriter optionalNumber(Double value) {
        if (value == null) {
            return bytes(null);
        }
        if (value.isNaN()) {
            throw new IllegalArgumentException("NaN is not a recorded value");
        }
        // -0.0 and 0.0 are one value in every rule of the registry: written as 0.0
        return integer(Double.doubleToLongBits(value == 0.0 ? 0.0 : value));
    }

    /** A list of text: each element a field inside the list's field. */
    public RecordWriter textList(Collection<String> values) {
        RecordWriter inner = untagged();
        if (values != null) {
            values.forEach(inner::text);
        }
        return bytes(inner.toByteArray());
    }

    /** A list of records written without tags (the format names their fields). */
    public RecordWriter list(Collection<RecordWriter> elements) {
        RecordWriter inner = untagged();
        if (elements != null) {
            elements.forEach(e -> inner.bytes(e.toByteArray()));
        }
        return bytes(inner.toByteArray());
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** SHA-256 of the record. */
    public byte[] sha256() {
        return Sha256.of(buf, 0, size);
    }

    public static long micros(Instant value) {
        if (value.getNano() % 1000 != 0) {
            throw new IllegalArgumentException("instants are recorded to the microsecond: " + value);
        }
        return Math.addExact(Math.multiplyExact(value.getEpochSecond(), 1_000_000L), value.getNano() / 1000);
    }

    private void length(int n) {
        ensure(4);
        buf[size++] = (byte) (n >>> 24);
        buf[size++] = (byte) (n >>> 16);
        buf[size++] = (byte) (n >>> 8);
        buf[size++] = (byte) n;
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
