package io.robotid.lifecycle.service;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.robotid.kit.evidence.EvidenceMigrations;
import io.robotid.lifecycle.repository.RecallRepository;
import io.robotid.lifecycle.repository.RobotRepository;

/**
 * At start-up, seals what was stored before its format was sealed (EVIDENCE.md section 10): feed entries
 * and recall campaigns. Events are not re-sealed: version 1 events keep verifying as version 1. Each
 * migration that sealed anything is recorded in {@code evidence_migration}; on later starts there is
 * nothing left to seal.
 */
@ApplicationScoped
public class EvidenceMigration {
    private static final Logger LOG = Logger.getLogger(EvidenceMigration.class);

    private final RobotRepository robots;
    private final RecallRepository recalls;
    private final Clock clock;

    public EvidenceMigration(RobotRepository robots, RecallRepository recalls, Clock clock) {
        this.robots = robots;
        this.recalls = recalls;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        robots.database().withTransaction(c -> robots.sealUnsealedFeed(c)
                .call(n -> EvidenceMigrations.record(c, "robotid-lifecycle-feed-v1: status_feed", n, clock))
                .chain(() -> recalls.sealUnsealed(c))
                .call(n -> EvidenceMigrations.record(c, "robotid-recall-campaign-v1: recall_campaign", n, clock)))
                .await().atMost(Duration.ofMinutes(10));
        LOG.debug("evidence migration checked");
    }
}
