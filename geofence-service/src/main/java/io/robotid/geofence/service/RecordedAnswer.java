package io.robotid.geofence.service;

import java.util.function.Function;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/**
 * How a write's answer is recorded for its retries (the kit's {@code write_record}, written in the write's
 * transaction): the request as the caller sent it, whose hash tells a retry from a request id used again;
 * the answer made from what the write produced; and how a recorded answer is read back, so that a retry
 * gets it byte for byte. The messages are the adapter's: the service only hands them to the kit, and never
 * reads or builds one.
 *
 * @param <T> what the write produces (a zone, a grant)
 * @param <R> the answer the caller gets
 * @param request the request as sent
 * @param answer the answer to what the write produced
 * @param parser reads a recorded answer
 */
public record RecordedAnswer<T, R extends Message>(Message request, Function<T, R> answer, Parser<R> parser) {
}
