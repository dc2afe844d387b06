package io.robotid.evidence.tlog;

/**
 * Tile coordinates and paths of c2sp.org/tlog-tiles: tiles are 256 hashes wide; level 0 holds leaf
 * hashes, level L holds the hashes of full tiles of level L-1, i.e. of perfect subtrees of 256^L leaves.
 * A tile index is written in 3-digit path elements, all but the last prefixed with {@code x}
 * (1234067 is {@code x001/x234/067}); a partial tile adds {@code .p/<W>}.
 */
public final class Tiles {
    public static final int WIDTH = 256;
    public static final int MAX_LEVEL = 63;

    private Tiles() {
    }

    /** A tile: level ({@code -1} for an entry bundle), index, and width (1..256; 256 is a full tile). */
    public record Tile(int level, long index, int width) {
        public boolean entries() {
            return level < 0;
        }

        public boolean full() {
            return width == WIDTH;
        }

        /** The path after the log's prefix, e.g. {@code tile/0/x001/234.p/12} or {@code tile/entries/000}. */
        public String path() {
            return "tile/" + (entries() ? "entries" : Integer.toString(level)) + "/" + indexPath(index)
                    + (full() ? "" : ".p/" + width);
        }
    }

    public static String indexPath(long index) {
        String digits = Long.toString(index);
        int pad = (3 - digits.length() % 3) % 3;
        digits = "0".repeat(pad) + digits;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 3) {
            if (i + 3 < digits.length()) {
                out.append('x').append(digits, i, i + 3).append('/');
            } else {
                out.append(digits, i, i + 3);
            }
        }
        return out.toString();
    }

    /** Parses the part of a tile URL after {@code tile/}, e.g. {@code 0/x001/234.p/12}. */
    public static Tile parse(String path) {
        String[] parts = path.split("/", -1);
        if (parts.length < 2) {
            throw new MalformedEvidence("tile path: tile/<L>/<N>[.p/<W>]");
        }
        int level;
        if (parts[0].equals("entries")) {
            level = -1;
        } else if (parts[0].matches("0|[1-9][0-9]?") && Integer.parseInt(parts[0]) <= MAX_LEVEL) {
            level = Integer.parseInt(parts[0]);
        } else {
            throw new MalformedEvidence("tile path: the level '" + SignedNote.shorten(parts[0])
                    + "' is not 'entries' or a decimal from 0 to 63");
        }
        int end = parts.length;
        int width = WIDTH;
        String last = parts[end - 1];
        if (end >= 3 && parts[end - 2].endsWith(".p")) {
            if (!last.matches("[1-9][0-9]{0,2}") || Integer.parseInt(last) > 255) {
                throw new MalformedEvidence("tile path: a partial tile's width is a decimal from 1 to 255");
            }
            width = Integer.parseInt(last);
            end--;
            parts[end - 1] = parts[end - 1].substring(0, parts[end - 1].length() - 2);
        }
        if (end - 1 > 7) {
            throw new MalformedEvidence("tile path: the index has more than 7 path elements");
        }
        long index = 0;
        for (int i = 1; i < end; i++) {
            String p = parts[i];
            boolean lastElement = i == end - 1;
            if (!(lastElement ? p.matches("[0-9]{3}") : p.matches("x[0-9]{3}"))) {
                throw new MalformedEvidence("tile path: index elements are 3 digits, all but the last prefixed with 'x'");
            }
            try {
                index = Math.addExact(Math.multiplyExact(index, 1000), Integer.parseInt(lastElement ? p : p.substring(1)));
            } catch (ArithmeticException e) {
                throw new MalformedEvidence("tile path: the index is out of range");
            }
        }
        if (!canonical(parts, end, index)) {
            throw new MalformedEvidence("tile path: the index has leading zero elements");
        }
        return new Tile(level, index, width);
    }

    private static boolean canonical(String[] parts, int end, long index) {
        return indexPath(index).equals(String.join("/", java.util.Arrays.asList(parts).subList(1, end)));
    }

    /**
     * The root of {@code count} (a power of two, at most 256) consecutive hashes of a tile's bytes from
     * position {@code offset}: the hash of a perfect subtree between two tile levels.
     */
    public static byte[] subtreeHash(byte[] tileHashes, int offset, int count) {
        if (count == 1) {
            return java.util.Arrays.copyOfRange(tileHashes, offset * 32, offset * 32 + 32);
        }
        java.util.List<byte[]> leaves = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            leaves.add(java.util.Arrays.copyOfRange(tileHashes, (offset + i) * 32, (offset + i) * 32 + 32));
        }
        return io.robotid.evidence.merkle.MerkleTree.root(leaves);
    }

    /** The width of tile {@code index} at {@code level} in a tree of {@code size} leaves (0: no such tile). */
    public static int widthAt(int level, long index, long size) {
        long levelSize = size;
        for (int l = 0; l < level; l++) {
            levelSize /= WIDTH;
        }
        long full = levelSize / WIDTH;
        if (index < full) {
            return WIDTH;
        }
        if (index == full) {
            return (int) (levelSize % WIDTH);
        }
        return 0;
    }
}
