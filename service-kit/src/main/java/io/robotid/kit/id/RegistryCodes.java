package io.robotid.kit.id;

import java.util.regex.Pattern;

/**
 * Codes the registry assigns: manufacturer (4), product model (6), production site (2). They use
 * digits and upper-case letters without I and O (34 symbols), so they cannot be misread as 1 and 0.
 * Codes come from a never-decreasing counter (a database sequence or counter column), encoded in
 * base 34, so they are unique and never reused, also under concurrent registration.
 */
public final class RegistryCodes {
    /** 0-9 then A-Z without I and O. */
    public static final String ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public static final int MANUFACTURER_LENGTH = 4;
    public static final int MODEL_LENGTH = 6;
    public static final int SITE_LENGTH = 2;

    private static final Pattern CODE = Pattern.compile("[0-9A-HJ-NP-Z]+");

    private RegistryCodes() {
    }

    /**
     * Encodes counter value {@code n} (1-based) as a code of {@code length} characters.
     *
     * @throws IllegalStateException when the code space of that length is exhausted
     */
    public static String encode(long n, int length) {
        long capacity = capacity(length);
        if (n < 1 || n >= capacity) {
            throw new IllegalStateException("code space of length " + length + " exhausted at " + n);
        }
        char[] code = new char[length];
        long rest = n;
        for (int i = length - 1; i >= 0; i--) {
            code[i] = ALPHABET.charAt((int) (rest % ALPHABET.length()));
            rest /= ALPHABET.length();
        }
        return new String(code);
    }

    /** How many codes of that length exist (the all-zero code is never assigned). */
    public static long capacity(int length) {
        long capacity = 1;
        for (int i = 0; i < length; i++) {
            capacity *= ALPHABET.length();
        }
        return capacity;
    }

    /** Upper-cases and trims what a caller sent, so codes are accepted in any case. */
    public static String normalize(String code) {
        return code == null ? "" : upperAscii(code.trim());
    }

    /**
     * Upper-cases ASCII letters only. {@code String.toUpperCase} maps some non-ASCII letters onto
     * code characters ('ſ' to 'S', 'ß' to "SS", 'ı' to 'I'), which would let look-alike text pass as
     * a code; here they stay as they are and are refused.
     */
    public static String upperAscii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        }
        return out.toString();
    }

    /** True for a well-formed code of that length (already normalized). */
    public static boolean isWellFormed(String code, int length) {
        return code != null && code.length() == length && CODE.matcher(code).matches();
    }
}
