package io.robotid.witness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.robotid.evidence.tlog.MalformedEvidence;
import io.robotid.evidence.tlog.NoteKey;

/**
 * The logs a witness cosigns: one line per trusted log key, the vkey of its Ed25519 checkpoint key
 * (signature type 0x01), whose key name is the log's origin. Several keys for one origin are all
 * trusted (a key rotation). Blank lines and lines starting with {@code #} are ignored.
 */
public final class TrustedLogs {
    private final Map<String, List<NoteKey>> byOrigin;

    private TrustedLogs(Map<String, List<NoteKey>> byOrigin) {
        this.byOrigin = byOrigin;
    }

    public static TrustedLogs of(List<NoteKey> keys) {
        Map<String, List<NoteKey>> byOrigin = new LinkedHashMap<>();
        for (NoteKey key : keys) {
            if (key.type() != NoteKey.ED25519) {
                throw new MalformedEvidence("log key " + key.name() + ": a log's checkpoint key is an Ed25519 note key"
                        + " (type 0x01), not type 0x%02x".formatted(key.type()));
            }
            List<NoteKey> same = byOrigin.computeIfAbsent(key.name(), o -> new ArrayList<>());
            for (NoteKey k : same) {
                if (k.keyId() == key.keyId()) {
                    throw new MalformedEvidence("log key " + key.vkey() + ": listed twice (or two keys with one name and ID)");
                }
            }
            same.add(key);
        }
        byOrigin.replaceAll((origin, list) -> List.copyOf(list));
        return new TrustedLogs(Map.copyOf(byOrigin));
    }

    /** Parses a logs file's text; the message of the exception names the line. */
    public static TrustedLogs parse(String text) {
        List<NoteKey> keys = new ArrayList<>();
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                keys.add(NoteKey.parse(line));
            } catch (MalformedEvidence e) {
                throw new MalformedEvidence("logs line " + n + ": " + e.getMessage());
            }
        }
        try {
            return of(keys);
        } catch (MalformedEvidence e) {
            throw new MalformedEvidence("logs: " + e.getMessage());
        }
    }

    public static TrustedLogs read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The keys trusted for an origin, empty when the origin is unknown. */
    public List<NoteKey> keys(String origin) {
        return byOrigin.getOrDefault(origin, List.of());
    }

    public Set<String> origins() {
        return byOrigin.keySet();
    }
}
