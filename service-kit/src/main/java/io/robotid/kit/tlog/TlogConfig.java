package io.robotid.kit.tlog;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** A service's transparency log ({@code robotid.tlog.*}); docs/evidence.md "Transparency logs". */
@ConfigMapping(prefix = "robotid.tlog")
public interface TlogConfig {
    /** Off: records are written without leaves and nothing is served under /tlog. */
    @WithDefault("true")
    boolean enabled();

    /** The log's origin line and key name, e.g. {@code registry.example/robotid/lifecycle}. */
    Optional<String> origin();

    /**
     * The log's note key, {@code PRIVATE+KEY+<origin>+<id>+<key>} (Go's sumdb/note format); by default
     * {@code target/tlog/<application name>-log.key} (local runs and tests only: a cluster mounts a Secret).
     */
    Optional<String> keyFile();

    /** Writes a new key when the file is missing (local runs and tests; a cluster mounts a Secret). */
    @WithDefault("true")
    boolean generateKey();

    /**
     * A c2sp.org/tlog-policy file naming the witnesses (with their submission URLs) and the quorum a
     * checkpoint needs before it is served; none: checkpoints are served with the log's signature only.
     */
    Optional<String> policyFile();

    /** How often pending leaves are integrated and a checkpoint signed. */
    @WithDefault("250ms")
    Duration integrateInterval();

    /** Most leaves integrated in one transaction. */
    @WithDefault("20000")
    int integrateBatch();

    /** How long a witness may take to answer. */
    @WithDefault("3s")
    Duration witnessTimeout();

    /**
     * A witness that did not cosign is asked again after a delay that doubles from the integrate interval
     * up to this, so a witness that is down is not asked four times a second; any answer resets it.
     */
    @WithDefault("30s")
    Duration witnessMaxBackoff();
}
