package io.robotid.lifecycle.service;

import java.util.function.Function;

import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import io.robotid.lifecycle.domain.PostedRecall;
import io.robotid.proto.lifecycle.v1.RecallCampaign;

/**
 * How a campaign's creation meets the transport, handed to {@link RecallService} by the adapter (grpc/): the
 * request is read (as a {@link PostedRecall}) and hashed as sent, and the answer the write record keeps for
 * retries (the new campaign's id) is made and read back here, so the service never reads or builds a wire message.
 *
 * @param <Q>      the request (CreateRecallCampaignRequest)
 * @param <R>      the answer kept for retries (CreateRecallCampaignResponse)
 * @param read     what a request posts
 * @param answer   the answer carrying a campaign
 * @param campaign the campaign an answer carries
 * @param parser   reads an answer a write record keeps
 */
public record RecallMessages<Q extends Message, R extends Message>(Function<Q, PostedRecall> read,
        Function<RecallCampaign, R> answer, Function<R, RecallCampaign> campaign, Parser<R> parser) {
}
