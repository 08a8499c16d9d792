package io.rookery.loadtest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * HTTP/1.1 responses read from one connection (RFC 9112): status line, headers, a Content-Length body (no chunked
 * encoding: the servers measured answer BOSH with a length). Fed the bytes as they are read, on the loop's thread.
 */
final class HttpResponseReader {
    /** One response: its status and body. */
    record Response(int status, String body) {}

    private static final byte[] HEADERS_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private final int maxBodyBytes;
    private byte[] buf = new byte[0];
    private int len;

    /** A body larger than maxBodyBytes fails the reading. */
    HttpResponseReader(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    void add(byte[] bytes, int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n + 512));
        System.arraycopy(bytes, 0, buf, len, n);
        len += n;
    }

    /** The next complete response, skipping interim (1xx) ones; null when it has not all come yet. */
    Response next() {
        while (true) {
            int end = indexOf(buf, len, HEADERS_END);
            if (end < 0) {
                if (len > 16384) throw new IllegalStateException("headers longer than 16 KiB");
                return null;
            }
            String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            String[] status = lines[0].split(" ", 3);
            if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
                throw new IllegalStateException("status line " + BoshCodec.abbreviate(lines[0]));
            }
            int code;
            try {
                code = Integer.parseInt(status[1]);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("status line " + BoshCodec.abbreviate(lines[0]));
            }
            long length = -1;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) continue;
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalStateException("Content-Length " + BoshCodec.abbreviate(value));
                    }
                } else if (name.equals("transfer-encoding") && !value.equalsIgnoreCase("identity")) {
                    throw new IllegalStateException("Transfer-Encoding " + value + " (not supported)");
                }
            }
            if (code >= 100 && code < 200) {
                consume(end + 4);
                continue;
            }
            if (length < 0) length = code == 204 || code == 304 ? 0 : -1;
            if (length < 0) throw new IllegalStateException("no Content-Length");
            if (length > maxBodyBytes) throw new IllegalStateException("a body of " + length + " bytes");
            int total = end + 4 + (int) length;
            if (len < total) return null;
            String body = new String(buf, end + 4, (int) length, StandardCharsets.UTF_8);
            consume(total);
            return new Response(code, body);
        }
    }

    private void consume(int n) {
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
        if (len == 0 && buf.length > 4096) buf = new byte[0];
    }

    private static int indexOf(byte[] b, int len, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= len; i++) {
            for (int j = 0; j < needle.length; j++) if (b[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
