package io.robotid.lifecycle.service;

import java.util.function.Function;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.robotid.lifecycle.domain.PostedEvent;
import io.robotid.proto.lifecycle.v1.LifecycleEvent;

/**
 * How recorded events meet the transport, handed to {@link LifecycleRecorder} by the adapter (grpc/), so that the
 * recorder never reads or builds a wire message, and what idempotency keeps stays the adapter's bytes. A request is
 * only read (as a {@link PostedEvent}) and hashed as sent, to tell a retry from a request id used again; the answer
 * to a recorded event is made here, and a write record keeps such an answer with a reference to the event (robot,
 * sequence, hash) in place of the event, read back with the parser.
 *
 * @param <Q>     the request (RecordEventRequest)
 * @param <R>     the answer (RecordEventResponse)
 * @param read    what a request posts
 * @param request the request that posts an event the registry makes itself (a recall's notifications), hashed
 *                like one sent: the same event always makes the same bytes
 * @param answer  the answer carrying an event (the recorded event, or the reference a write record keeps)
 * @param event   the event an answer carries
 * @param parser  reads an answer a write record keeps
 */
public record EventMessages<Q extends Message, R extends Message>(Function<Q, PostedEvent> read,
        Function<PostedEvent, Q> request, Function<LifecycleEvent, R> answer, Function<R, LifecycleEvent> event,
        Parser<R> parser) {
}
