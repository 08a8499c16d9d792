package io.rookery.node.ext.upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.stream.javadsl.FileIO;

/**
 * Files in a local folder (shared by all nodes of a cluster when it is a shared volume):
 * {@code <folder>/<owner>/<slot>/<file name>}, its content type beside it in {@code .type}, and uploads in progress
 * as {@code <folder>/<owner>/<slot>/.part-*} until complete. Names come from {@link SlotToken} (owner, slot) and
 * {@link Uploads#safeName} (file name), never from a request unchecked.
 */
final class FolderStore implements UploadStore {
    private static final String TYPE = ".type";
    private static final String PART = ".part-";
    private final Path root;

    FolderStore(Path root) {
        this.root = root;
    }

    @Override
    public Usage usage(String owner, Duration expireAfter) throws IOException {
        Path dir = root.resolve(owner);
        long bytes = 0;
        Instant oldest = null;
        if (!Files.isDirectory(dir)) return new Usage(0, null);
        try (DirectoryStream<Path> slots = Files.newDirectoryStream(dir)) {
            for (Path slot : slots) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(slot)) {
                    for (Path f : files) {
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                        if (!a.isRegularFile() || f.getFileName().toString().equals(TYPE)) continue;
                        bytes += a.size();
                        Instant written = a.lastModifiedTime().toInstant();
                        if (oldest == null || written.isBefore(oldest)) oldest = written;
                    }
                } catch (NoSuchFileException | java.nio.file.NotDirectoryException gone) {
                    // Expired meanwhile.
                }
            }
        }
        return new Usage(bytes, oldest == null || expireAfter.isZero() ? null : oldest.plus(expireAfter));
    }

    @Override
    public Path temporary(String owner, String slot) throws IOException {
        Path dir = Files.createDirectories(root.resolve(owner).resolve(slot));
        return Files.createTempFile(dir, PART, "");
    }

    @Override
    public boolean complete(Path temp, String owner, String slot, String filename, String contentType)
            throws IOException {
        Path dir = root.resolve(owner).resolve(slot);
        Path target = dir.resolve(filename);
        if (Files.exists(target)) {
            Files.deleteIfExists(temp);
            return false;
        }
        Files.writeString(dir.resolve(TYPE), contentType, StandardCharsets.UTF_8);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(temp);
            return false;
        }
        return true;
    }

    @Override
    public Stored open(String owner, String slot, String filename) throws IOException {
        Path f = root.resolve(owner).resolve(slot).resolve(filename);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(f, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!a.isRegularFile()) return null;
        String type;
        try {
            type = Files.readString(f.resolveSibling(TYPE), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            type = null;
        }
        return new Stored(a.size(), type, a.lastModifiedTime().toInstant(), FileIO.fromPath(f));
    }

    @Override
    public int expire(Instant writtenBefore, Instant abandonedBefore) throws IOException {
        if (!Files.isDirectory(root)) return 0;
        int removed = 0;
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(root)) {
            for (Path owner : owners) {
                if (!Files.isDirectory(owner)) continue;
                try (DirectoryStream<Path> slots = Files.newDirectoryStream(owner)) {
                    for (Path slot : slots) removed += expireSlot(slot, writtenBefore, abandonedBefore);
                }
                deleteIfEmpty(owner);
            }
        }
        return removed;
    }

    /** A slot whose file is older than writtenBefore goes whole; an unfinished upload alone when abandoned. */
    private static int expireSlot(Path slot, Instant writtenBefore, Instant abandonedBefore) throws IOException {
        boolean old = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(slot)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                Instant written = Files.getLastModifiedTime(f).toInstant();
                if (name.startsWith(PART)) {
                    if (written.isBefore(abandonedBefore)) Files.deleteIfExists(f);
                } else if (!name.equals(TYPE) && writtenBefore != null && written.isBefore(writtenBefore)) {
                    old = true;
                }
            }
        } catch (NoSuchFileException | java.nio.file.NotDirectoryException gone) {
            return 0;
        }
        if (old) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(slot)) {
                for (Path f : files) Files.deleteIfExists(f);
            }
        }
        deleteIfEmpty(slot);
        return old ? 1 : 0;
    }

    private static void deleteIfEmpty(Path dir) {
        try {
            Files.delete(dir);
        } catch (IOException notEmptyOrGone) {
            // Still holds files, or another node removed it.
        }
    }
}
