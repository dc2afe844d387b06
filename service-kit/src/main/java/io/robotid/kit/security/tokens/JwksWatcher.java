package io.robotid.kit.security.tokens;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads the issuer's JWKS every {@code robotid.token-cache.jwks-refresh} (discovery document first, on a
 * thread of its own, never an event loop) and tells {@link VerifiedTokens} which keys it holds, so that
 * tokens signed by a key the issuer withdrew stop being answered from the cache. A read that fails changes
 * nothing (the key set last read stays).
 */
@ApplicationScoped
public class JwksWatcher {
    private static final Logger LOG = Logger.getLogger(JwksWatcher.class);

    private final VerifiedTokens tokens;
    private final TokenCacheConfig config;
    private final Optional<String> issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ScheduledExecutorService scheduler;

    public JwksWatcher(VerifiedTokens tokens, TokenCacheConfig config,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> issuer) {
        this.tokens = tokens;
        this.config = config;
        this.issuer = issuer;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled() || issuer.isEmpty()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jwks-watcher");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1000, config.jwksRefresh().toMillis());
        scheduler.scheduleWithFixedDelay(this::refresh, 0, period, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Reads the JWKS now; answers the key ids, or null when it could not be read. */
    Set<String> refresh() {
        try {
            String base = issuer.get().endsWith("/") ? issuer.get().substring(0, issuer.get().length() - 1) : issuer.get();
            JsonObject discovery = get(base + "/.well-known/openid-configuration");
            JsonObject jwks = get(discovery.getString("jwks_uri"));
            Set<String> kids = new HashSet<>();
            JsonArray keys = jwks.getJsonArray("keys", new JsonArray());
            for (int i = 0; i < keys.size(); i++) {
                String kid = keys.getJsonObject(i).getString("kid");
                if (kid != null) {
                    kids.add(kid);
                }
            }
            tokens.keysPublished(kids);
            return kids;
        } catch (Exception e) {
            LOG.debugf("the issuer's JWKS could not be read (the last key set stays): %s", e.toString());
            return null;
        }
    }

    private JsonObject get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        return new JsonObject(response.body());
    }
}
