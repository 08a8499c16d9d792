package io.rookery.node.ext.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The folder store on a real file system: usage, a slot's one file, expiry of old files and abandoned uploads. */
class FolderStoreTest {
    @TempDir
    Path root;

    private Path upload(FolderStore store, String owner, String slot, String name, int bytes) throws Exception {
        Path temp = store.temporary(owner, slot);
        Files.write(temp, new byte[bytes]);
        assertTrue(store.complete(temp, owner, slot, name, "image/jpeg"));
        return root.resolve(owner).resolve(slot).resolve(name);
    }

    @Test
    void usageCountsAnOwnersFilesAndKnowsWhenTheOldestExpires() throws Exception {
        FolderStore store = new FolderStore(root);
        assertEquals(0, store.usage("alice", Duration.ofDays(1)).bytes());
        Path first = upload(store, "alice", "s1", "a.jpg", 1000);
        upload(store, "alice", "s2", "b.jpg", 500);
        upload(store, "bob", "s3", "c.jpg", 700);
        Instant written = Instant.parse("2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(first, FileTime.from(written));

        UploadStore.Usage alice = store.usage("alice", Duration.ofDays(7));
        assertEquals(1500, alice.bytes(), "the content type beside each file does not count");
        assertEquals(written.plus(Duration.ofDays(7)), alice.oldestExpiry());
        assertNull(store.usage("alice", Duration.ZERO).oldestExpiry(), "files that never expire");
        UploadStore.Stored a = store.open("alice", "s1", "a.jpg");
        assertEquals("image/jpeg", a.contentType());
        assertEquals(1000, a.size());
        assertEquals(written, a.written());
    }

    @Test
    void aSlotTakesOneFile() throws Exception {
        FolderStore store = new FolderStore(root);
        upload(store, "alice", "s1", "a.jpg", 10);
        Path again = store.temporary("alice", "s1");
        Files.write(again, new byte[10]);
        assertFalse(store.complete(again, "alice", "s1", "a.jpg", "image/jpeg"));
        assertFalse(Files.exists(again), "the second upload's bytes are dropped");
        assertNull(store.open("alice", "s1", "other.jpg"));
        assertNull(store.open("alice", "nope", "a.jpg"));
        assertNull(store.open("nobody", "s1", "a.jpg"));
    }

    @Test
    void expiryRemovesOldSlotsAndAbandonedUploadsOnly() throws Exception {
        FolderStore store = new FolderStore(root);
        Instant now = Instant.now();
        Path old = upload(store, "alice", "old", "a.jpg", 10);
        Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofDays(8))));
        Path fresh = upload(store, "alice", "fresh", "b.jpg", 10);
        Path abandoned = store.temporary("bob", "half");
        Files.setLastModifiedTime(abandoned, FileTime.from(now.minus(Duration.ofHours(1))));
        Path uploading = store.temporary("bob", "busy");

        assertEquals(1, store.expire(now.minus(Duration.ofDays(7)), now.minus(Duration.ofMinutes(10))));
        assertNull(store.open("alice", "old", "a.jpg"));
        assertFalse(Files.exists(root.resolve("alice").resolve("old")), "the slot's folder goes with it");
        assertNotNull(store.open("alice", "fresh", "b.jpg"));
        assertTrue(Files.exists(fresh));
        assertFalse(Files.exists(abandoned));
        assertTrue(Files.exists(uploading), "an upload in progress stays");

        // expire-after 0: files stay, abandoned uploads still go.
        Files.setLastModifiedTime(fresh, FileTime.from(now.minus(Duration.ofDays(365))));
        assertEquals(0, store.expire(null, now.minus(Duration.ofMinutes(10))));
        assertTrue(Files.exists(fresh));
    }

    @Test
    void fileNamesAreMadeSafeKeepingTheirEnding() {
        assertEquals("holiday_photo.jpg", Uploads.safeName("holiday photo.jpg"));
        assertEquals("_._etc_passwd", Uploads.safeName("../etc/passwd"));
        assertEquals("_.", Uploads.safeName(".."));
        assertEquals("_hidden", Uploads.safeName(".hidden"));
        assertEquals("file", Uploads.safeName(""));
        String longName = "x".repeat(300) + ".png";
        assertEquals(128, Uploads.safeName(longName).length());
        assertTrue(Uploads.safeName(longName).endsWith(".png"));
    }
}
