package io.rookery.node.ext.upload;

import io.prometheus.metrics.core.metrics.Counter;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What the upload service (slots, over XMPP) and the upload routes (PUT and GET, over HTTP) share: the settings, the
 * store, the slot signatures (once the service started with the cluster's secret), the listeners' base URL (once
 * they are bound) and the executor for the store's blocking calls.
 */
final class Uploads {
    final UploadSettings settings;
    final UploadStore store;
    final Counter slots;
    final Counter files;
    private volatile SlotToken tokens;
    private volatile Supplier<String> baseUrl;
    private volatile Executor blocking;

    Uploads(UploadSettings settings, UploadStore store, Counter slots, Counter files) {
        this.settings = settings;
        this.store = store;
        this.slots = slots;
        this.files = files;
    }

    void started(SlotToken tokens, Executor blocking) {
        this.tokens = tokens;
        this.blocking = blocking;
    }

    void served(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** Null until the service started. */
    SlotToken tokens() {
        return tokens;
    }

    Executor blocking() {
        return blocking;
    }

    /** Where clients reach the HTTP listeners, or null while they are not running (rookery.http off). */
    String baseUrl() {
        Supplier<String> b = baseUrl;
        return b == null ? null : b.get();
    }

    /**
     * A file name fit for a path and a URL, keeping its ending (XEP-0363 §4): letters, digits, '.', '-' and '_' kept,
     * anything else '_', at most 128 characters (the end kept), never empty nor starting with '.'.
     */
    static String safeName(String filename) {
        StringBuilder b = new StringBuilder(Math.min(filename.length(), 128));
        int from = Math.max(0, filename.length() - 128);
        for (int i = from; i < filename.length(); i++) {
            char c = filename.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_';
            b.append(ok ? c : '_');
        }
        while (b.length() > 0 && b.charAt(0) == '.') b.setCharAt(0, '_');
        return b.length() == 0 ? "file" : b.toString();
    }
}
