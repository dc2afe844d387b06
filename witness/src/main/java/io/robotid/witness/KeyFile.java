package io.robotid.witness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.logging.Logger;

import io.robotid.evidence.tlog.MalformedEvidence;
import io.robotid.evidence.tlog.NoteKey;
import io.robotid.evidence.tlog.NoteSigner;

/**
 * The witness's private key, in the format of Go's {@code golang.org/x/mod/sumdb/note}
 * ({@code PRIVATE+KEY+<name>+<hex key ID>+base64(0x04 || seed)}): read when the file exists, else
 * generated and written with permissions 0600 (created so, never widened afterwards).
 */
public final class KeyFile {
    private static final Logger LOG = Logger.getLogger(KeyFile.class.getName());

    private KeyFile() {
    }

    /**
     * The cosigner key of {@code file}; {@code name} (may be null when the file exists) must match the
     * key's name. A missing file is created with a new key named {@code name}.
     */
    public static NoteSigner loadOrCreate(Path file, String name) throws IOException {
        if (!Files.exists(file)) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("key file " + file + " does not exist: give --name to generate one");
            }
            NoteSigner created = NoteSigner.generate(name, NoteKey.COSIGNATURE_V1);
            try {
                created.writeNew(file);
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null) {
                    StateStore.syncDirectory(dir);
                }
                LOG.info("generated witness key " + file + ": " + created.verifierKey().vkey());
                return created;
            } catch (FileAlreadyExistsException raced) {
                // another process created it meanwhile: use that one
            }
        }
        NoteSigner signer;
        try {
            signer = NoteSigner.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (MalformedEvidence e) {
            throw new IllegalArgumentException("key file " + file + ": " + e.getMessage(), e);
        }
        if (signer.verifierKey().type() != NoteKey.COSIGNATURE_V1) {
            throw new IllegalArgumentException("key file " + file + ": a witness key is a cosignature/v1 key (type 0x04)");
        }
        if (name != null && !name.isEmpty() && !name.equals(signer.name())) {
            throw new IllegalArgumentException("key file " + file + " holds the key of '" + signer.name()
                    + "', not of '" + name + "'");
        }
        warnIfReadableByOthers(file);
        return signer;
    }

    private static void warnIfReadableByOthers(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warning("key file " + file + " is readable by others (" + PosixFilePermissions.toString(perms)
                        + "): chmod 600 it");
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
