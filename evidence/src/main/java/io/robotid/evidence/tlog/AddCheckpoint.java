package io.robotid.evidence.tlog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The body of a c2sp.org/tlog-witness {@code add-checkpoint} request: {@code old <size>}, up to 63
 * consistency proof hashes one base64 a line, a blank line, and the signed checkpoint.
 */
public record AddCheckpoint(long oldSize, List<byte[]> consistencyProof, String checkpoint) {
    public static final int MAX_PROOF_LINES = 63;

    public AddCheckpoint {
        consistencyProof = List.copyOf(consistencyProof);
    }

    public String format() {
        StringBuilder out = new StringBuilder("old ").append(oldSize).append('\n');
        for (byte[] h : consistencyProof) {
            out.append(Base64.getEncoder().encodeToString(h)).append('\n');
        }
        return out.append('\n').append(checkpoint).toString();
    }

    public static AddCheckpoint parse(byte[] body) {
        if (body.length > SignedNote.MAX_BYTES) {
            throw new MalformedEvidence("add-checkpoint: body longer than " + SignedNote.MAX_BYTES + " bytes");
        }
        String text = Text.utf8(body, "add-checkpoint");
        int blank = text.indexOf("\n\n");
        if (blank < 0) {
            throw new MalformedEvidence("add-checkpoint: no blank line before the checkpoint");
        }
        String[] lines = text.substring(0, blank).split("\n", -1);
        if (!lines[0].matches("old (0|[1-9][0-9]{0,18})")) {
            throw new MalformedEvidence("add-checkpoint: the first line is 'old <size>', decimal without leading zeroes");
        }
        long old;
        try {
            old = Long.parseLong(lines[0].substring(4));
        } catch (NumberFormatException e) {
            throw new MalformedEvidence("add-checkpoint: the old size is out of range");
        }
        if (lines.length - 1 > MAX_PROOF_LINES) {
            throw new MalformedEvidence("add-checkpoint: more than " + MAX_PROOF_LINES + " consistency proof lines");
        }
        List<byte[]> proof = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            byte[] h = Text.base64(lines[i], "add-checkpoint: proof line " + i);
            if (h.length != 32) {
                throw new MalformedEvidence("add-checkpoint: proof line " + i + " is not a 32-byte hash");
            }
            proof.add(h);
        }
        return new AddCheckpoint(old, proof, text.substring(blank + 2));
    }
}
