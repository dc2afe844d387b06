package io.robotid.evidence.tlog;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;


/**
 * Reads a log's tiles over HTTP (c2sp.org/tlog-tiles) for a tree of a given size, as any monitor or
 * verifier would: only the tiles that size needs, partial ones with their width. Nothing read is
 * trusted: what is computed from the tiles is checked against a signed checkpoint by the caller.
 */
public final class TileClient implements Proofs.SubtreeHashes {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String prefix;
    private final long size;
    private final Map<String, byte[]> tiles = new HashMap<>();

    /** @param prefix the log's URL prefix, e.g. {@code http://localhost:8103/tlog} */
    public TileClient(String prefix, long size) {
        this.prefix = prefix.replaceAll("/$", "");
        this.size = size;
    }

    @Override
    public byte[] hash(int level, long index) {
        int tileLevel = level / 8;
        int r = level % 8;
        long first = index << r;
        long tile = first / Tiles.WIDTH;
        int offset = (int) (first % Tiles.WIDTH);
        int width = Tiles.widthAt(tileLevel, tile, size);
        if (width == 0) {
            throw new InvalidLog("a tree of " + size + " has no tile " + tileLevel + "/" + tile);
        }
        byte[] hashes = fetch(new Tiles.Tile(tileLevel, tile, width));
        int count = 1 << r;
        if (hashes.length != width * 32 || offset + count > width) {
            throw new InvalidLog(new Tiles.Tile(tileLevel, tile, width).path() + " is " + hashes.length
                    + " bytes, not " + width * 32);
        }
        return Tiles.subtreeHash(hashes, offset, count);
    }

    /** The log entries of a bundle (tile/entries/N), each as stored. */
    public List<byte[]> entries(long bundle) {
        int width = Tiles.widthAt(0, bundle, size);
        byte[] b = fetch(new Tiles.Tile(-1, bundle, width));
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < b.length) {
            if (at + 2 > b.length) {
                throw new InvalidLog("entry bundle " + bundle + " is truncated");
            }
            int length = ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
            if (at + 2 + length > b.length) {
                throw new InvalidLog("entry bundle " + bundle + " is truncated");
            }
            out.add(Arrays.copyOfRange(b, at + 2, at + 2 + length));
            at += 2 + length;
        }
        return out;
    }

    private byte[] fetch(Tiles.Tile tile) {
        return tiles.computeIfAbsent(tile.path(), path -> {
            try {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(prefix + "/" + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new InvalidLog(prefix + "/" + path + " answered " + response.statusCode());
                }
                return response.body();
            } catch (IOException e) {
                throw new InvalidLog(prefix + "/" + path + " cannot be read: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InvalidLog("interrupted");
            }
        });
    }

    /** The log served something that is not a tile of the tree it claims. */
    public static class InvalidLog extends RuntimeException {
        public InvalidLog(String message) {
            super(message);
        }
    }
}
