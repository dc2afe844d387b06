package io.robotid.lifecycle.service;

import java.util.EnumMap;
import java.util.Map;

import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.robotid.proto.lifecycle.v1.EventType;

/**
 * lifecycle-service's own meters: {@code robotid_feed_head{feed="lifecycle"}} and {@code robotid_events_appended_total{type}}, the events committed to
 * robots' chains by type (a retry answered from its stored result is not counted again). The label set
 * is the event types of the contract, registered up front so every type shows from the first scrape.
 */
@Startup // every meter shows from the first scrape
@Singleton
public class LifecycleMeters {
    private final Map<EventType, Counter> appended = new EnumMap<>(EventType.class);

    public LifecycleMeters(MeterRegistry meters, io.vertx.core.Vertx vertx,
            io.robotid.lifecycle.repository.RobotRepository robots) {
        io.robotid.kit.feed.FeedHead.start(meters, vertx, "lifecycle", robots::feedHead);
        for (EventType type : EventType.values()) {
            if (type != EventType.UNRECOGNIZED && type.getNumber() != 0) {
                appended.put(type, Counter.builder("robotid.events.appended").tag("type", type.name())
                        .description("Lifecycle events appended to robots' chains").register(meters));
            }
        }
    }

    void appended(EventType type) {
        Counter c = appended.get(type);
        if (c != null) {
            c.increment();
        }
    }
}
