package io.robotid.evidence.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A signed note (c2sp.org/signed-note@v1.0.0): a text ending in a newline, a blank line, and one or more
 * signature lines {@code — <key name> base64(key ID || signature)}. Parsing is strict: valid UTF-8, no
 * control characters but newline, at most {@link #MAX_SIGNATURES} signatures and {@link #MAX_BYTES}
 * bytes in all, every signature line well formed. Which signatures count is the verifier's business
 * ({@link NoteVerifier}); this class only reads and writes the format.
 */
public record SignedNote(String text, List<Signature> signatures) {
    /** Far above the 16 signatures the specification asks verifiers to accept. */
    public static final int MAX_SIGNATURES = 100;
    public static final int MAX_BYTES = 1 << 20;
    static final String DASH = "\u2014 ";

    /** One signature line: the key's name, its 32-bit ID and the signature bytes after the ID. */
    public record Signature(String keyName, int keyId, byte[] signature) {
        public String line() {
            byte[] all = ByteBuffer.allocate(4 + signature.length).putInt(keyId).put(signature).array();
            return DASH + keyName + " " + Base64.getEncoder().encodeToString(all) + "\n";
        }
    }

    public SignedNote {
        signatures = List.copyOf(signatures);
    }

    public SignedNote withSignature(Signature signature) {
        List<Signature> all = new ArrayList<>(signatures);
        all.add(signature);
        return new SignedNote(text, all);
    }

    /** The note as it travels: text, blank line, signature lines. */
    public String format() {
        StringBuilder out = new StringBuilder(text).append('\n');
        for (Signature s : signatures) {
            out.append(s.line());
        }
        return out.toString();
    }

    /** Parses a signed note, naming what is wrong with it when it is not one. */
    public static SignedNote parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new MalformedEvidence("note: longer than " + MAX_BYTES + " bytes");
        }
        return parse(Text.utf8(bytes, "note"));
    }

    public static SignedNote parse(String all) {
        for (int i = 0; i < all.length(); i++) {
            char c = all.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new MalformedEvidence("note: control character U+%04X at offset %d".formatted((int) c, i));
            }
        }
        int split = all.lastIndexOf("\n\n");
        if (split < 0) {
            throw new MalformedEvidence("note: no blank line between the text and its signatures");
        }
        String text = all.substring(0, split + 1);
        String sigs = all.substring(split + 2);
        if (sigs.isEmpty() || !sigs.endsWith("\n")) {
            throw new MalformedEvidence("note: signature lines must follow the blank line, each ending in a newline");
        }
        List<Signature> signatures = new ArrayList<>();
        for (String line : sigs.substring(0, sigs.length() - 1).split("\n", -1)) {
            if (signatures.size() == MAX_SIGNATURES) {
                throw new MalformedEvidence("note: more than " + MAX_SIGNATURES + " signatures");
            }
            signatures.add(parseSignatureLine(line));
        }
        return new SignedNote(text, signatures);
    }

    /** One {@code — name base64} line, without its newline. */
    public static Signature parseSignatureLine(String line) {
        if (!line.startsWith(DASH)) {
            throw new MalformedEvidence("note: a signature line starts with an em dash and a space: " + shorten(line));
        }
        String rest = line.substring(DASH.length());
        int space = rest.indexOf(' ');
        if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
            throw new MalformedEvidence("note: a signature line is '— <key name> <base64>': " + shorten(line));
        }
        String name = rest.substring(0, space);
        if (!validKeyName(name)) {
            throw new MalformedEvidence("note: key name '" + shorten(name) + "' is empty or holds a space or '+'");
        }
        byte[] decoded = Text.base64(rest.substring(space + 1), "note: the signature of " + name);
        if (decoded.length < 5) {
            throw new MalformedEvidence("note: the signature of " + name + " is shorter than a key ID and a signature");
        }
        ByteBuffer b = ByteBuffer.wrap(decoded);
        int keyId = b.getInt();
        byte[] sig = new byte[decoded.length - 4];
        b.get(sig);
        return new Signature(name, keyId, sig);
    }

    public static boolean validKeyName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        return name.codePoints().noneMatch(c -> c == '+' || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || c < 0x20 || c == 0x85);
    }

    static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
