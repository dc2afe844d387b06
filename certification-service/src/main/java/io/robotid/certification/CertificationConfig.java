package io.robotid.certification;

import java.time.Duration;

import io.robotid.kit.feed.FollowerConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** certification-service's own settings ({@code robotid.certification.*}); docs/conventions.md, "Configuration". */
@ConfigMapping(prefix = "robotid.certification")
public interface CertificationConfig {
    /** How long a question to identity-service (the unit's robot ID) may take. */
    @WithDefault("3s")
    Duration identityDeadline();

    /** How long a question to filing-service (the model's tiers) may take. */
    @WithDefault("3s")
    Duration filingDeadline();

    /** The follower of lifecycle-service's feed, which marks tiers a part or software change re-opens. */
    FollowerConfig lifecycleFeed();
}
