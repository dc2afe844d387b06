package io.robotid.identity;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The public robot page, history report and reports from the public ({@code robotid.resolver.*}); docs/conventions.md, "Configuration". */
@ConfigMapping(prefix = "robotid.resolver")
public interface ResolverConfig {
    /** The address the QR codes and the page's links point to. */
    String publicBaseUrl();

    /** How long a question to lifecycle-service may take while a page is assembled. */
    @WithDefault("2s")
    Duration lifecycleDeadline();

    /** How long a question to certification-service may take while a page is assembled. */
    @WithDefault("2s")
    Duration certificationDeadline();

    /** Reports from the public, limited per client address. */
    Report report();

    /** The history report. */
    History history();

    interface Report {
        /** Reports accepted per client address within the window. */
        @WithDefault("5")
        int rateLimit();

        @WithDefault("10M")
        Duration rateWindow();
    }

    interface History {
        /** How long anonymous readers share one report per robot. */
        @WithDefault("5s")
        Duration publicCache();
    }
}
