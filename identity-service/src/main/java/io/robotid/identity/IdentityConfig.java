package io.robotid.identity;

import java.time.Duration;

import io.robotid.kit.feed.FollowerConfig;
import io.robotid.kit.signing.SigningKeysConfig;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** identity-service's own settings ({@code robotid.identity.*}); docs/conventions.md, "Configuration". */
@ConfigMapping(prefix = "robotid.identity")
public interface IdentityConfig {
    /** How long a question to filing-service (the model an ID is issued for, its log) may take. */
    @WithDefault("3s")
    Duration filingDeadline();

    /** The keys that sign identity certificates. */
    SigningKeysConfig signing();

    /** The follower of lifecycle-service's feed, which retires the IDs of scrapped and recycled robots. */
    FollowerConfig lifecycleFeed();
}
