package io.robotid.kit.id;

/**
 * ISO/IEC 7064 hybrid system MOD 37,36 over the alphabet {@code 0-9A-Z} (values 0..35): the check
 * character of the robot ID (DESIGN.md section 2).
 */
public final class Mod3736 {
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final int M = 36;

    private Mod3736() {
    }

    /**
     * The check character for {@code data} (upper-case, alphabet characters only).
     *
     * @throws IllegalArgumentException on a character outside the alphabet
     */
    public static char checkCharacter(CharSequence data) {
        int p = M;
        for (int i = 0; i < data.length(); i++) {
            p = next(p, value(data.charAt(i), i));
        }
        return ALPHABET.charAt((M + 1 - p) % M);
    }

    /** True when running the recurrence over all of {@code full}, check character included, ends on 1. */
    public static boolean isValid(CharSequence full) {
        if (full.length() < 2) {
            return false;
        }
        int p = M;
        int s = 0;
        for (int i = 0; i < full.length(); i++) {
            int value = ALPHABET.indexOf(full.charAt(i));
            if (value < 0) {
                return false;
            }
            s = (p + value) % M;
            if (s == 0) {
                s = M;
            }
            p = (2 * s) % (M + 1);
        }
        return s == 1;
    }

    private static int next(int p, int value) {
        int s = (p + value) % M;
        if (s == 0) {
            s = M;
        }
        return (2 * s) % (M + 1);
    }

    private static int value(char c, int position) {
        int value = ALPHABET.indexOf(c);
        if (value < 0) {
            throw new IllegalArgumentException("character '" + c + "' at position " + (position + 1)
                    + " is not a digit or an upper-case Latin letter");
        }
        return value;
    }
}
