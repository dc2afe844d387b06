package io.robotid.certification.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.robotid.certification.repository.FeedRepository;
import io.robotid.kit.feed.FeedPublisher;
import io.robotid.proto.certification.v1.WatchCertificationChangesResponse;
import io.smallrye.mutiny.Multi;

/** The certification feed that geofence-service and others follow (the kit's {@link FeedPublisher}). */
@io.quarkus.runtime.Startup // its robotid_feed_head{feed="certification"} shows from the first scrape
@ApplicationScoped
public class CertificationFeed {
    private final FeedPublisher<WatchCertificationChangesResponse> publisher;

    public CertificationFeed(FeedRepository feed, io.micrometer.core.instrument.MeterRegistry meters, io.vertx.core.Vertx vertx) {
        io.robotid.kit.feed.FeedHead.start(meters, vertx, "certification", feed::head);
        this.publisher = new FeedPublisher<>(feed::after, WatchCertificationChangesResponse::getSequence);
    }

    /** Every change after {@code fromSequence}, then new ones as they commit (never ending). */
    public Multi<WatchCertificationChangesResponse> changes(long fromSequence) {
        return publisher.from(fromSequence, "from_sequence");
    }
}
