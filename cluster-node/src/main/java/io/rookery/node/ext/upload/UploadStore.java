package io.rookery.node.ext.upload;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Where uploaded files are kept, by owner (an opaque name per user), slot and file name: a local folder
 * ({@link FolderStore}) or an S3-compatible bucket ({@link S3Store}). Every method blocks on storage: callers run
 * them on the blocking-IO dispatcher, never on an actor's. An upload is written to a local temporary file first,
 * which {@link #complete} then stores whole, so a GET never sees half a file.
 */
interface UploadStore {
    /** The bytes the owner's files hold, and when its oldest file expires (null: none, or files never expire). */
    record Usage(long bytes, Instant oldestExpiry) {}

    /**
     * A stored file: its size, its content type (null when none was stored), when it was written, and its bytes,
     * read only when the source runs (a response that is never sent, such as a 304, reads nothing).
     */
    record Stored(long size, String contentType, Instant written, Source<ByteString, ?> data) {}

    Usage usage(String owner, Duration expireAfter) throws IOException;

    /** A fresh local file to write an upload to before it is complete. */
    Path temporary(String owner, String slot) throws IOException;

    /**
     * The upload at temp becomes the slot's file with its content type; false when the slot has a file already.
     * The temporary file is gone afterwards either way.
     */
    boolean complete(Path temp, String owner, String slot, String filename, String contentType) throws IOException;

    /** The slot's file, or null when there is none. */
    Stored open(String owner, String slot, String filename) throws IOException;

    /**
     * Removes files last written before that instant (none when it is null), and unfinished uploads older than
     * abandonedBefore; the number of files removed.
     */
    int expire(Instant writtenBefore, Instant abandonedBefore) throws IOException;
}
