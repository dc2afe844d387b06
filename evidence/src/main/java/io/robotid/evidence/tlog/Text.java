package io.robotid.evidence.tlog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Strict decoding shared by the formats: UTF-8 that is valid, base64 in its one canonical form. */
final class Text {
    private Text() {
    }

    static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEvidence(what + ": not valid UTF-8");
        }
    }

    /** Standard base64 (RFC 4648 section 4) with padding and zero trailing bits: the only encoding of its bytes. */
    static byte[] base64(String s, String what) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new MalformedEvidence(what + " is not standard base64");
        }
        if (!Base64.getEncoder().encodeToString(b).equals(s)) {
            throw new MalformedEvidence(what + " is not in canonical base64 (padding and trailing bits)");
        }
        return b;
    }
}
