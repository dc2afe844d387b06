package io.robotid.geofence.engine;

import java.util.concurrent.atomic.AtomicReference;

/** The current {@link ZoneIndex}, swapped atomically: a check uses one snapshot from start to end. */
public final class ZoneIndexRef {

    private final AtomicReference<ZoneIndex> current;

    public ZoneIndexRef(ZoneIndex initial) {
        current = new AtomicReference<>(java.util.Objects.requireNonNull(initial));
    }

    public ZoneIndex get() {
        return current.get();
    }

    /** Installs a newer snapshot; answers false (and keeps the current one) when it is not newer. */
    public boolean swap(ZoneIndex next) {
        while (true) {
            ZoneIndex now = current.get();
            if (next.policyVersion() <= now.policyVersion()) {
                return false;
            }
            if (current.compareAndSet(now, next)) {
                return true;
            }
        }
    }
}
