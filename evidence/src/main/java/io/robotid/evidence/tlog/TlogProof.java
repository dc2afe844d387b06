package io.robotid.evidence.tlog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A proof of logging (c2sp.org/tlog-proof@v1): the first line {@code c2sp.org/tlog-proof@v1}, an optional
 * {@code extra <base64>} line, {@code index <n>}, the inclusion proof one base64 hash a line, a blank
 * line, and the cosigned checkpoint verbatim. Here the extra data is the log entry itself, so that a
 * verifier can hash it and check what it commits to (EVIDENCE.md section 11).
 */
public record TlogProof(byte[] extra, long index, List<byte[]> inclusionProof, String checkpoint) {
    public static final String HEADER = "c2sp.org/tlog-proof@v1";

    public TlogProof {
        inclusionProof = List.copyOf(inclusionProof);
    }

    public String format() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        if (extra != null) {
            out.append("extra ").append(Base64.getEncoder().encodeToString(extra)).append('\n');
        }
        out.append("index ").append(index).append('\n');
        for (byte[] h : inclusionProof) {
            out.append(Base64.getEncoder().encodeToString(h)).append('\n');
        }
        return out.append('\n').append(checkpoint).toString();
    }

    public static TlogProof parse(byte[] bytes) {
        if (bytes.length > SignedNote.MAX_BYTES) {
            throw new MalformedEvidence("tlog-proof: longer than " + SignedNote.MAX_BYTES + " bytes");
        }
        return parse(Text.utf8(bytes, "tlog-proof"));
    }

    public static TlogProof parse(String text) {
        int blank = text.indexOf("\n\n");
        if (blank < 0) {
            throw new MalformedEvidence("tlog-proof: no blank line before the checkpoint");
        }
        String[] lines = text.substring(0, blank).split("\n", -1);
        int i = 0;
        if (!lines[i++].equals(HEADER)) {
            throw new MalformedEvidence("tlog-proof: the first line is " + HEADER);
        }
        byte[] extra = null;
        if (i < lines.length && lines[i].startsWith("extra ")) {
            extra = Text.base64(lines[i++].substring(6), "tlog-proof: the extra data");
        }
        if (i >= lines.length || !lines[i].matches("index (0|[1-9][0-9]{0,18})")) {
            throw new MalformedEvidence("tlog-proof: an 'index <n>' line, decimal without leading zeroes");
        }
        long index;
        try {
            index = Long.parseLong(lines[i++].substring(6));
        } catch (NumberFormatException e) {
            throw new MalformedEvidence("tlog-proof: the index is out of range");
        }
        List<byte[]> proof = new ArrayList<>();
        for (; i < lines.length; i++) {
            if (proof.size() == Proofs.MAX_PROOF_HASHES) {
                throw new MalformedEvidence("tlog-proof: more than " + Proofs.MAX_PROOF_HASHES + " proof hashes");
            }
            byte[] h = Text.base64(lines[i], "tlog-proof: proof line " + (proof.size() + 1));
            if (h.length != 32) {
                throw new MalformedEvidence("tlog-proof: proof line " + (proof.size() + 1) + " is not a 32-byte hash");
            }
            proof.add(h);
        }
        return new TlogProof(extra, index, proof, text.substring(blank + 2));
    }
}
