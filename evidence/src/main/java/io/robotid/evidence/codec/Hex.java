package io.robotid.evidence.codec;

import java.util.HexFormat;

/** Lower-case hexadecimal, as every digest in the registry's APIs is written. */
public final class Hex {
    private static final HexFormat HEX = HexFormat.of();

    private Hex() {
    }

    public static String of(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** The bytes of a hex string (either case); IllegalArgumentException when it is not hex. */
    public static byte[] parse(String hex) {
        return HEX.parseHex(hex);
    }

    /** A 64-character digest as 32 bytes, or null when it is not one. */
    public static byte[] digestOrNull(String hex) {
        if (hex == null || hex.length() != 64) {
            return null;
        }
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
