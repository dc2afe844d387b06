package io.robotid.kit.signing;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a service keeps the Ed25519 keys it signs with, a group inside its service's configuration (for
 * example {@code robotid.identity.signing.*}).
 */
public interface SigningKeysConfig {
    /** The directory of the key files (a mounted Secret on a cluster). */
    Path keysDir();

    /** Writes a first key when the directory holds none (local runs and tests; a cluster mounts its keys). */
    boolean generateIfMissing();

    /** The key that signs; by default the newest in the directory. */
    Optional<String> activeKeyId();
}
