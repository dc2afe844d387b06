package io.robotid.kit.idempotency;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;

/** SHA-256 over an operation name and a request's deterministic protobuf encoding. */
public final class RequestHash {
    private RequestHash() {
    }

    public static byte[] of(String operation, Message request) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            out.useDeterministicSerialization();
            request.writeTo(out);
            out.flush();
            MessageDigest digest = io.robotid.evidence.codec.Sha256.digest();
            digest.update(operation.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(bytes.toByteArray());
            return digest.digest();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
