package org.maomao;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity of one daemon installation, kept in {@code <data_dir>/instance-id}. It
 * labels every container the daemon creates, so that daemons sharing a Docker engine
 * (another data_dir, a test, a second team) remove only their own leftovers at start.
 * It survives restarts, which is what lets a restarted daemon find its own containers.
 */
final class InstanceId {
    private static final Logger log = LoggerFactory.getLogger(InstanceId.class);
    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final String FILE = "instance-id";

    private InstanceId() {
    }

    /** Reads the id of {@code dataDir}, making one at first start. */
    static String of(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (FORMAT.matcher(id).matches()) {
                    return id;
                }
                log.warn("{} does not hold an instance id; making a new one (containers of the old id are "
                        + "no longer cleaned up by this daemon)", file);
            }
            String id = UUID.randomUUID().toString();
            Path tmp = dataDir.resolve(FILE + ".tmp");
            Files.writeString(tmp, id + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the instance id in " + file
                    + ": check [daemon] data_dir and its permissions", e);
        }
    }
}
