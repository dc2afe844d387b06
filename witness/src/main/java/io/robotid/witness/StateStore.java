package io.robotid.witness;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.robotid.evidence.codec.Sha256;

/**
 * The witness's durable state: for each origin, one file {@code <sha256 hex of origin>.checkpoint}
 * holding the latest cosigned checkpoint (the log's signed note with the witness's cosignature). A write
 * goes to a temporary file, is forced to disk, renamed over the old file atomically, and the directory
 * is forced too: after {@link #write} returns, the new state survives a crash, and at any moment the file
 * holds either the old or the new state, never a mix. A lock file keeps a second witness process off the
 * same directory.
 */
public final class StateStore implements Closeable {
    static final String SUFFIX = ".checkpoint";
    private static final String TMP_SUFFIX = ".tmp";

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** The rename happened but the directory could not be forced: the new state may or may not be durable. */
    public static final class UncertainWrite extends IOException {
        UncertainWrite(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public StateStore(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath();
        Files.createDirectories(this.dir);
        this.lockChannel = FileChannel.open(this.dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("state directory " + this.dir + " is in use by another witness (its lock file is held)");
        }
        this.lock = l;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(this.dir, "*" + TMP_SUFFIX)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
    }

    public Path directory() {
        return dir;
    }

    /** The lower-case hex SHA-256 of an origin: its file's name and its monitoring URL's path segment. */
    public static String originHash(String origin) {
        return HexFormat.of().formatHex(Sha256.of(origin.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every stored state: origin hash to the file's bytes. */
    public Map<String, byte[]> readAll() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                String hash = name.substring(0, name.length() - SUFFIX.length());
                if (!hash.matches("[0-9a-f]{64}")) {
                    throw new IOException("state directory " + dir + ": unexpected file " + name);
                }
                out.put(hash, Files.readAllBytes(p));
            }
        }
        return out;
    }

    /** Replaces the state of an origin durably (see the class comment). */
    public void write(String origin, byte[] content) throws IOException {
        String hash = originHash(origin);
        Path target = dir.resolve(hash + SUFFIX);
        Path tmp = dir.resolve(hash + TMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(content);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try {
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncertainWrite("state of " + origin + ": renamed into place but the directory could not be forced", e);
        }
    }

    /** Forces a directory's entries (a rename, a new file) to disk. */
    static void syncDirectory(Path dir) throws IOException {
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            return; // a directory cannot be opened for fsync there; NTFS journals the rename
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            lockChannel.close();
        }
    }
}
