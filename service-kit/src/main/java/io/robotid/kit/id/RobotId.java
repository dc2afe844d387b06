package io.robotid.kit.id;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The 29-character robot ID of DESIGN.md section 2, in canonical form (upper-case, no separators):
 * origin (2 letters) + manufacturer code (4) + model code (6) + year (2 digits) + site code (2) +
 * sequence (12 digits, from 1) + check character (ISO/IEC 7064 MOD 37,36 over the 28 before it).
 */
public final class RobotId {
    public static final int LENGTH = 29;
    public static final long MAX_SEQUENCE = 999_999_999_999L;

    private final String canonical;

    private RobotId(String canonical) {
        this.canonical = canonical;
    }

    /** What parsing a presented string found. */
    public sealed interface Parsed permits Valid, Malformed, BadCheckCharacter {
        /** The input upper-cased with spaces and hyphens removed. */
        String normalized();
    }

    public record Valid(RobotId id) implements Parsed {
        @Override
        public String normalized() {
            return id.canonical();
        }
    }

    /** Not the shape of a robot ID; {@code reason} says which rule broke, in words. */
    public record Malformed(String normalized, String reason) implements Parsed {
    }

    /** Well formed, but the last character is not the check character of the 28 before it. */
    public record BadCheckCharacter(String normalized, char expected) implements Parsed {
    }

    /** Parses an ID in any case, with spaces or hyphens between groups. */
    public static Parsed parse(String input) {
        if (input == null) {
            return new Malformed("", "is empty");
        }
        String normalized = normalize(input);
        String problem = shapeProblem(normalized);
        if (ZERO_SEQUENCE.equals(problem)) {
            // Every other rule holds, so one changed sequence digit may give a valid ID: name it when only one does.
            List<String> fixes = oneCharacterAway(normalized);
            return new Malformed(normalized, fixes.size() == 1 ? problem + " (did you mean " + fixes.get(0) + "?)" : problem);
        }
        if (problem != null) {
            return new Malformed(normalized, problem);
        }
        char expected = Mod3736.checkCharacter(normalized.substring(0, LENGTH - 1));
        if (normalized.charAt(LENGTH - 1) != expected) {
            return new BadCheckCharacter(normalized, expected);
        }
        return new Valid(new RobotId(normalized));
    }

    /**
     * Parses a valid ID or throws.
     *
     * @throws IllegalArgumentException naming the broken rule
     */
    public static RobotId of(String input) {
        Parsed parsed = parse(input);
        if (parsed instanceof Valid valid) {
            return valid.id();
        }
        if (parsed instanceof Malformed malformed) {
            throw new IllegalArgumentException("not a robot ID: " + malformed.reason());
        }
        throw new IllegalArgumentException("not a robot ID: the check character should be "
                + ((BadCheckCharacter) parsed).expected());
    }

    /** Builds the ID of a unit, computing its check character. */
    public static RobotId compose(String origin, String manufacturerCode, String modelCode, int productionYear,
            String siteCode, long sequence) {
        if (productionYear < 0 || productionYear > 99) {
            throw new IllegalArgumentException("production year must be two digits (0..99)");
        }
        if (sequence < 1 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence must be 1.." + MAX_SEQUENCE);
        }
        String body = origin + manufacturerCode + modelCode + String.format(Locale.ROOT, "%02d", productionYear)
                + siteCode + String.format(Locale.ROOT, "%012d", sequence);
        String full = body + Mod3736.checkCharacter(body);
        return of(full);
    }

    /** Upper-cases ASCII letters (only: see {@link RegistryCodes#upperAscii}) and removes spaces, tabs and hyphens. */
    public static String normalize(String input) {
        StringBuilder out = new StringBuilder(input.length());
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c != ' ' && c != '-' && c != '\t') {
                out.append(c);
            }
        }
        return RegistryCodes.upperAscii(out.toString());
    }

    private static String shapeProblem(String s) {
        if (s.isEmpty()) {
            return "is empty";
        }
        if (s.length() != LENGTH) {
            return "must have 29 characters without separators, has " + s.length();
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(i);
            int position = i + 1;
            if (i < 2) {
                if (c < 'A' || c > 'Z') {
                    return "character " + position + " ('" + c + "') must be a letter: the origin is an ISO 3166-1 alpha-2 code";
                }
            } else if ((i >= 12 && i < 14) || (i >= 16 && i < 28)) {
                if (c < '0' || c > '9') {
                    return "character " + position + " ('" + c + "') must be a digit ("
                            + (i < 14 ? "production year" : "sequence") + ")";
                }
            } else if (i < 28) {
                if (RegistryCodes.ALPHABET.indexOf(c) < 0) {
                    return "character " + position + " ('" + c + "') is not used in registry codes"
                            + (c == 'O' ? " (did you mean 0?)" : c == 'I' ? " (did you mean 1?)" : "");
                }
            } else if (Mod3736.ALPHABET.indexOf(c) < 0) {
                return "character 29 ('" + c + "') must be a digit or a letter";
            }
        }
        if (s.substring(16, 28).chars().allMatch(c -> c == '0')) {
            return ZERO_SEQUENCE;
        }
        return null;
    }

    private static final String ZERO_SEQUENCE = "the sequence starts at 000000000001";

    /**
     * Every valid ID (right shape, right check character) that differs from {@code normalized} in
     * exactly one character, in position order: the candidates for a single mistyped character.
     * Empty unless {@code normalized} has 29 characters.
     */
    public static List<String> oneCharacterAway(String normalized) {
        if (normalized == null || normalized.length() != LENGTH) {
            return List.of();
        }
        List<String> candidates = new ArrayList<>();
        char[] chars = normalized.toCharArray();
        for (int position = 0; position < LENGTH; position++) {
            char original = chars[position];
            for (int k = 0; k < Mod3736.ALPHABET.length(); k++) {
                char c = Mod3736.ALPHABET.charAt(k);
                if (c == original) {
                    continue;
                }
                chars[position] = c;
                String candidate = new String(chars);
                if (shapeProblem(candidate) == null && Mod3736.isValid(candidate)) {
                    candidates.add(candidate);
                }
            }
            chars[position] = original;
        }
        return candidates;
    }

    public String canonical() {
        return canonical;
    }

    public String origin() {
        return canonical.substring(0, 2);
    }

    public String manufacturerCode() {
        return canonical.substring(2, 6);
    }

    public String modelCode() {
        return canonical.substring(6, 12);
    }

    public int productionYear() {
        return Integer.parseInt(canonical.substring(12, 14));
    }

    public String siteCode() {
        return canonical.substring(14, 16);
    }

    public long sequence() {
        return Long.parseLong(canonical.substring(16, 28));
    }

    public char checkCharacter() {
        return canonical.charAt(28);
    }

    /** The 17-character unit serial: year, site, sequence and check character. */
    public String unitSerial() {
        return canonical.substring(12);
    }

    /** Grouped for people: {@code CN A1B2 C3D4E5 26BJ 000000000001 G}. */
    public String displayForm() {
        return origin() + " " + manufacturerCode() + " " + modelCode() + " " + canonical.substring(12, 16) + " "
                + canonical.substring(16, 28) + " " + checkCharacter();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RobotId other && other.canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return Objects.hash(canonical);
    }

    @Override
    public String toString() {
        return canonical;
    }
}
