package io.rookery.loadtest;

import io.rookery.protocol.websocket.WebSocketFraming;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of XMPP over WebSocket (RFC 7395) for a load session: the HTTP upgrade asking for the xmpp
 * subprotocol (RFC 6455 §4.1), then masked text frames out and frames in (§5), each message translated to and from
 * the RFC 6120 stream the session speaks by the same {@link WebSocketFraming} the server uses. One per connection,
 * on its loop's thread.
 */
final class WsCodec {
    /** What the bytes read so far hold. */
    record Input(boolean upgraded, String failure, List<byte[]> stream, List<byte[]> replies, boolean closed) {}

    private static final int MAX_MESSAGE = 1 << 20;
    private final String key;
    private final WebSocketFraming.Outbound outbound = new WebSocketFraming.Outbound();
    private byte[] buf = new byte[0];
    private int len;
    private boolean upgraded;
    /** A message in continuation frames (RFC 6455 §5.4), until its last one. */
    private java.io.ByteArrayOutputStream fragments;

    WsCodec() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
    }

    /** The upgrade request (RFC 6455 §4.1, RFC 7395 §3.1). */
    byte[] handshake(String host, int port, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: xmpp\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The frames for what the session writes on its stream: one text message per element. */
    List<byte[]> frames(byte[] stream) {
        List<byte[]> frames = new ArrayList<>(2);
        for (String m : outbound.messages(new String(stream, StandardCharsets.UTF_8))) {
            frames.add(frame(1, m.getBytes(StandardCharsets.UTF_8)));
        }
        return frames;
    }

    /** Takes bytes read from the socket. */
    Input read(byte[] bytes, int n) {
        if (len + n > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + n + 1024));
        System.arraycopy(bytes, 0, buf, len, n);
        len += n;
        boolean justUpgraded = false;
        if (!upgraded) {
            int end = indexOf(buf, len, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end < 0) return new Input(false, len > 16384 ? "ws:bad-response" : null, List.of(), List.of(), false);
            String response = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
            consume(end + 4);
            String failure = checkUpgrade(response);
            if (failure != null) return new Input(false, failure, List.of(), List.of(), false);
            upgraded = true;
            justUpgraded = true;
        }
        List<byte[]> stream = new ArrayList<>(2);
        List<byte[]> replies = new ArrayList<>(0);
        boolean closed = false;
        while (len >= 2) {
            int b0 = buf[0] & 0xff;
            int b1 = buf[1] & 0xff;
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0f;
            long payload = b1 & 0x7f;
            int header = 2;
            if (payload == 126) {
                if (len < 4) break;
                payload = ((buf[2] & 0xff) << 8) | (buf[3] & 0xff);
                header = 4;
            } else if (payload == 127) {
                if (len < 10) break;
                payload = 0;
                for (int i = 2; i < 10; i++) payload = (payload << 8) | (buf[i] & 0xff);
                header = 10;
            }
            if ((b1 & 0x80) != 0 || payload > MAX_MESSAGE) {
                return new Input(justUpgraded, "ws:bad-frame", stream, replies, closed);
            }
            if (len < header + payload) break;
            byte[] data = java.util.Arrays.copyOfRange(buf, header, header + (int) payload);
            consume(header + (int) payload);
            switch (opcode) {
                case 0, 1, 2 -> {
                    if (opcode != 0) fragments = new java.io.ByteArrayOutputStream();
                    if (fragments == null) return new Input(justUpgraded, "ws:bad-frame", stream, replies, closed);
                    fragments.writeBytes(data);
                    if (fin) {
                        String text = fragments.toString(StandardCharsets.UTF_8);
                        fragments = null;
                        stream.add(WebSocketFraming.toStream(text).getBytes(StandardCharsets.UTF_8));
                    }
                }
                case 8 -> closed = true;
                case 9 -> replies.add(frame(10, data)); // ping: pong with its data
                default -> { } // pong
            }
        }
        return new Input(justUpgraded, null, stream, replies, closed);
    }

    private String checkUpgrade(String response) {
        String[] lines = response.split("\r\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 101")) {
            return "ws:" + (lines.length == 0 ? "empty" : lines[0].replace(' ', '-'));
        }
        String accept = null;
        String protocol = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String name = line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("sec-websocket-accept")) accept = value;
            if (name.equals("sec-websocket-protocol")) protocol = value;
        }
        if (!"xmpp".equals(protocol)) return "ws:no-xmpp-subprotocol";
        return expectedAccept().equals(accept) ? null : "ws:bad-accept";
    }

    private String expectedAccept() {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                    .getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client frame: FIN, the opcode, masked (RFC 6455 §5.3). */
    private static byte[] frame(int opcode, byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + n];
        f[0] = (byte) (0x80 | opcode);
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) f[2 + i] = (byte) ((long) n >> (56 - 8 * i));
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        System.arraycopy(mask, 0, f, header, 4);
        for (int i = 0; i < n; i++) f[header + 4 + i] = (byte) (payload[i] ^ mask[i & 3]);
        return f;
    }

    private void consume(int n) {
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
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
