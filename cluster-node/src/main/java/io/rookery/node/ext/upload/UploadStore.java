package io.rookery.node.ext.upload;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Where uploaded files are kept, by owner (an opaque name per user), slot and file name. Every method blocks on
 * storage: callers run them on the blocking-IO dispatcher, never on an actor's.
 */
interface UploadStore {
    /** The bytes the owner's files hold, and when its oldest file expires (null: none, or files never expire). */
    record Usage(long bytes, Instant oldestExpiry) {}

    Usage usage(String owner, java.time.Duration expireAfter) throws IOException;

    /** A fresh file to write an upload to before it is complete. */
    Path temporary(String owner, String slot) throws IOException;

    /**
     * The upload at temp becomes the slot's file with its content type; false when the slot has a file already (the
     * temporary file is removed then).
     */
    boolean complete(Path temp, String owner, String slot, String filename, String contentType) throws IOException;

    /** The slot's file, or null when there is none. */
    Path file(String owner, String slot, String filename);

    /** The content type stored with the slot's file, or null. */
    String contentType(String owner, String slot) throws IOException;

    /** Removes files last written before that instant, and unfinished uploads older than abandonedBefore. */
    int expire(Instant writtenBefore, Instant abandonedBefore) throws IOException;
}
