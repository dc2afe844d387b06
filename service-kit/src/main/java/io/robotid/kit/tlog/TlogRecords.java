package io.robotid.kit.tlog;

import java.util.Optional;

import io.smallrye.mutiny.Uni;

/**
 * A service's records by their log keys, for {@link TlogQueries#evidence}: the bytes whose SHA-256 is the
 * hash a leaf commits to, where the service shows them to the caller. A service that keeps none to show
 * (its records come through its own API) provides no bean.
 */
public interface TlogRecords {
    /**
     * The record of {@code recordKey} for the current caller: empty when the service does not show it;
     * NOT_FOUND (a {@code DomainException}) when the caller may not even know it exists.
     */
    Uni<Optional<byte[]>> record(String recordKey);
}
