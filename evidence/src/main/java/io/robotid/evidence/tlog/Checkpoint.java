package io.robotid.evidence.tlog;

import java.util.Base64;
import java.util.List;

/**
 * A checkpoint's note text (c2sp.org/tlog-checkpoint): the log's origin, its tree size in decimal
 * without leading zeroes, the base64 RFC 6962 root hash, and optional extension lines (this registry
 * writes none).
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

    public Checkpoint {
        if (origin == null || origin.isEmpty()) {
            throw new MalformedEvidence("checkpoint: the origin line is empty");
        }
        if (origin.contains("\n")) {
            throw new MalformedEvidence("checkpoint: the origin is one line");
        }
        if (size < 0) {
            throw new MalformedEvidence("checkpoint: negative tree size");
        }
        if (rootHash == null || rootHash.length != 32) {
            throw new MalformedEvidence("checkpoint: the root hash is 32 bytes");
        }
        rootHash = rootHash.clone();
        extensions = List.copyOf(extensions);
    }

    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    public String text() {
        StringBuilder out = new StringBuilder(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        for (String e : extensions) {
            out.append(e).append('\n');
        }
        return out.toString();
    }

    /** Parses a checkpoint's note text (without signatures). */
    public static Checkpoint parse(String text) {
        if (!text.endsWith("\n")) {
            throw new MalformedEvidence("checkpoint: the text ends with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new MalformedEvidence("checkpoint: at least three lines (origin, tree size, root hash)");
        }
        for (String line : lines) {
            if (line.isEmpty()) {
                throw new MalformedEvidence("checkpoint: empty line");
            }
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new MalformedEvidence("checkpoint: the tree size '" + SignedNote.shorten(lines[1])
                    + "' is not a decimal without leading zeroes");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new MalformedEvidence("checkpoint: the tree size is out of range");
        }
        byte[] root = Text.base64(lines[2], "checkpoint: the root hash");
        if (root.length != 32) {
            throw new MalformedEvidence("checkpoint: the root hash is 32 bytes, got " + root.length);
        }
        return new Checkpoint(lines[0], size, root, List.of(lines).subList(3, lines.length));
    }
}
