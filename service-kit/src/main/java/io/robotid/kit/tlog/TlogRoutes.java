package io.robotid.kit.tlog;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.robotid.evidence.tlog.MalformedEvidence;
import io.robotid.evidence.tlog.Tiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The log over public HTTP, as c2sp.org/tlog-tiles serves it: {@code GET /tlog/checkpoint} (the newest
 * checkpoint the witness quorum cosigned), {@code GET /tlog/tile/<L>/<N>[.p/<W>]} and
 * {@code GET /tlog/tile/entries/<N>[.p/<W>]} (immutable, cached for a year).
 */
@Singleton
public class TlogRoutes {
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    @Inject
    TransparencyLog log;

    void routes(@Observes Router router) {
        if (!log.enabled()) {
            return;
        }
        router.get("/tlog/checkpoint").handler(this::checkpoint);
        router.getWithRegex("/tlog/tile/(.+)").handler(this::tile);
    }

    private void checkpoint(RoutingContext rc) {
        log.servedCheckpoint().subscribe().with(note -> {
            if (note.isEmpty()) {
                refuse(rc, 404, "the log " + log.origin() + " has no cosigned checkpoint yet");
                return;
            }
            rc.response().putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache").end(note.get());
        }, failure -> refuse(rc, 503, "the log cannot be read now"));
    }

    private void tile(RoutingContext rc) {
        Tiles.Tile tile;
        try {
            tile = Tiles.parse(rc.pathParam("param0"));
        } catch (MalformedEvidence e) {
            refuse(rc, 400, e.getMessage());
            return;
        }
        log.tile(tile).subscribe().with(bytes -> {
            if (bytes.isEmpty()) {
                refuse(rc, 404, tile.path() + " is not in the log");
                return;
            }
            rc.response().putHeader("Content-Type", "application/octet-stream").putHeader("Cache-Control", IMMUTABLE)
                    .end(Buffer.buffer(bytes.get()));
        }, failure -> refuse(rc, 503, "the log cannot be read now"));
    }

    private static void refuse(RoutingContext rc, int status, String why) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(why + "\n");
    }
}
