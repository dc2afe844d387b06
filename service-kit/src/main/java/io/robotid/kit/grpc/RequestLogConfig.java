package io.robotid.kit.grpc;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The request log ({@code robotid.request-log.*}): one line per gRPC call, off the hot paths. */
@ConfigMapping(prefix = "robotid.request-log")
public interface RequestLogConfig {
    @WithDefault("true")
    boolean enabled();
}
