package io.robotid.kit.signing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.robotid.evidence.crypto.Ed25519;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A service's Ed25519 signing keys (identity certificates, geofence receipts and bundles). Private keys
 * come from PEM files in one directory (a Kubernetes
 * Secret in production); the newest file by name signs, unless {@code active-key-id} names
 * another. Public halves are recorded in {@code signing_key}, so a key keeps verifying what it
 * signed after it stopped signing, on every replica.
 */
public class SigningKeyRing {
    private static final Logger LOG = Logger.getLogger(SigningKeyRing.class);
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** A key that may sign. */
    public record ActiveKey(String keyId, Ed25519.SigningKey key) {
        public byte[] sign(byte[] message) {
            return key.sign(message);
        }
    }

    /** A published public key. */
    public record PublicKeyRecord(String keyId, byte[] publicKey, Instant validFrom, Instant signingUntil) {
    }

    private final String purpose;
    private final Path directory;
    private final boolean generateIfMissing;
    private final Optional<String> configuredActiveKeyId;
    private final Pool database;
    private final Clock clock;

    private final Map<String, Ed25519.SigningKey> privateKeys = new ConcurrentHashMap<>();
    private final Map<String, PublicKeyRecord> publicKeys = new ConcurrentHashMap<>();
    private volatile ActiveKey active;

    /**
     * @param purpose what the keys sign, for log lines and errors (e.g. "identity certificates")
     * @param config  the service's {@code signing.*} group
     */
    public SigningKeyRing(String purpose, SigningKeysConfig config, Pool database, Clock clock) {
        this(purpose, config.keysDir(), config.generateIfMissing(), config.activeKeyId(), database, clock);
    }

    /**
     * @param purpose what the keys sign, for log lines and errors (e.g. "identity certificates")
     */
    public SigningKeyRing(String purpose, Path directory, boolean generateIfMissing, Optional<String> activeKeyId,
            Pool database, Clock clock) {
        this.purpose = purpose;
        this.directory = directory;
        this.generateIfMissing = generateIfMissing;
        this.configuredActiveKeyId = activeKeyId.map(String::trim).filter(s -> !s.isEmpty());
        this.database = database;
        this.clock = clock;
    }

    /** Loads (or makes) the keys and publishes them; call it at start-up, on the main thread, before any request. */
    public void start() {
        load();
        publish().await().atMost(Duration.ofSeconds(30));
    }

    public void load() {
        List<Path> files = pemFiles();
        if (files.isEmpty()) {
            if (!generateIfMissing) {
                throw new IllegalStateException("no signing key in " + directory.toAbsolutePath()
                        + " for " + purpose + " and generating keys is turned off");
            }
            files = List.of(generate());
        }
        String newest = null;
        for (Path file : files) {
            try {
                Ed25519.SigningKey key = Ed25519.readPem(Files.readString(file, StandardCharsets.US_ASCII));
                String keyId = key.keyId();
                privateKeys.put(keyId, key);
                newest = keyId;
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("cannot read signing key " + file + ": " + e.getMessage(), e);
            }
        }
        String activeId = configuredActiveKeyId.orElse(newest);
        Ed25519.SigningKey pair = privateKeys.get(activeId);
        if (pair == null) {
            throw new IllegalStateException("active signing key " + activeId + " is not among the keys in " + directory);
        }
        active = new ActiveKey(activeId, pair);
        LOG.infof("%s are signed with key %s (%d key(s) loaded from %s)", purpose, activeId,
                privateKeys.size(), directory);
    }

    private List<Path> pemFiles() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".pem")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path generate() {
        try {
            Files.createDirectories(directory);
            Ed25519.SigningKey pair = Ed25519.generate();
            String keyId = pair.keyId();
            Path file = directory.resolve(FILE_STAMP.format(clock.instant()) + "-" + keyId + ".pem");
            Files.writeString(file, pair.toPem(), StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system; nothing more to do
            }
            LOG.infof("generated a signing key %s for %s in %s", keyId, purpose, file.toAbsolutePath());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a signing key to " + directory, e);
        }
    }

    /** Records every loaded public key; the active one signs from now, the others stop signing. */
    public Uni<Void> publish() {
        java.time.OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
        List<Tuple> rows = new ArrayList<>();
        privateKeys.forEach((keyId, pair) -> rows.add(Tuple.of(keyId, Ed25519.ALGORITHM,
                io.vertx.core.buffer.Buffer.buffer(pair.publicKey()), now)));
        return database.withTransaction(connection -> connection.preparedQuery("""
                insert into signing_key (key_id, algorithm, public_key, valid_from) values ($1, $2, $3, $4)
                on conflict (key_id) do nothing""").executeBatch(rows)
                .chain(() -> connection.preparedQuery("""
                        update signing_key set signing_until = $2
                        where key_id <> $1 and signing_until is null""").execute(Tuple.of(active.keyId(), now)))
                .chain(() -> connection.preparedQuery("update signing_key set signing_until = null where key_id = $1")
                        .execute(Tuple.of(active.keyId()))))
                .chain(this::refreshPublicKeys);
    }

    /** Re-reads the published keys (another replica may have added one). */
    public Uni<Void> refreshPublicKeys() {
        return database.query("select key_id, public_key, valid_from, signing_until from signing_key").execute()
                .invoke(rows -> {
                    for (Row row : rows) {
                        PublicKeyRecord record = new PublicKeyRecord(row.getString("key_id"),
                                row.getBuffer("public_key").getBytes(),
                                row.getOffsetDateTime("valid_from").toInstant(),
                                row.getOffsetDateTime("signing_until") == null ? null
                                        : row.getOffsetDateTime("signing_until").toInstant());
                        publicKeys.put(record.keyId(), record);
                    }
                })
                .replaceWithVoid();
    }

    public ActiveKey active() {
        return active;
    }

    /** What the keys sign (e.g. "identity certificates"). */
    public String purpose() {
        return purpose;
    }

    /** Seconds since the active key was first published (NaN before it is), for the key-rotation alert. */
    public double activeKeyAgeSeconds() {
        ActiveKey current = active;
        PublicKeyRecord published = current == null ? null : publicKeys.get(current.keyId());
        return published == null ? Double.NaN
                : Duration.between(published.validFrom(), clock.instant()).toMillis() / 1000.0;
    }

    /** The private key that signed with {@code keyId}, if this replica holds it. */
    public Optional<Ed25519.SigningKey> privateKey(String keyId) {
        return Optional.ofNullable(privateKeys.get(keyId));
    }

    /** A published key by id; asks the database once more before saying it does not exist. */
    public Uni<Optional<PublicKeyRecord>> publicKey(String keyId) {
        PublicKeyRecord known = publicKeys.get(keyId);
        if (known != null) {
            return Uni.createFrom().item(Optional.of(known));
        }
        return refreshPublicKeys().map(ignored -> Optional.ofNullable(publicKeys.get(keyId)));
    }

    /** Every published key, oldest first. */
    public Uni<List<PublicKeyRecord>> publishedKeys() {
        return refreshPublicKeys().map(ignored -> publicKeys.values().stream()
                .sorted(java.util.Comparator.comparing(PublicKeyRecord::validFrom).thenComparing(PublicKeyRecord::keyId))
                .toList());
    }
}
