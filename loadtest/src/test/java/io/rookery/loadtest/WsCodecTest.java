package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The load session's WebSocket side against frames written and read here by RFC 6455's rules. */
class WsCodecTest {

    private static byte[] serverFrame(int opcode, boolean fin, byte[] payload) {
        byte[] f = new byte[(payload.length < 126 ? 2 : 4) + payload.length];
        f[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        int at = 2;
        if (payload.length < 126) {
            f[1] = (byte) payload.length;
        } else {
            f[1] = 126;
            f[2] = (byte) (payload.length >> 8);
            f[3] = (byte) payload.length;
            at = 4;
        }
        System.arraycopy(payload, 0, f, at, payload.length);
        return f;
    }

    /** Unmasks one client frame: its opcode and payload. */
    private static Object[] clientFrame(byte[] f) {
        assertTrue((f[1] & 0x80) != 0, "client frames are masked (RFC 6455 §5.3)");
        int n = f[1] & 0x7f;
        int at = 2;
        if (n == 126) {
            n = ((f[2] & 0xff) << 8) | (f[3] & 0xff);
            at = 4;
        }
        byte[] mask = java.util.Arrays.copyOfRange(f, at, at + 4);
        byte[] payload = new byte[n];
        for (int i = 0; i < n; i++) payload[i] = (byte) (f[at + 4 + i] ^ mask[i & 3]);
        return new Object[] {f[0] & 0x0f, new String(payload, StandardCharsets.UTF_8)};
    }

    private static WsCodec upgraded(WsCodec ws) throws Exception {
        String request = new String(ws.handshake("127.0.0.1", 5280, "/xmpp-websocket"), StandardCharsets.US_ASCII);
        assertTrue(request.startsWith("GET /xmpp-websocket HTTP/1.1\r\n"), request);
        assertTrue(request.contains("Sec-WebSocket-Protocol: xmpp\r\n"), request);
        Matcher key = Pattern.compile("Sec-WebSocket-Key: (\\S+)\r\n").matcher(request);
        assertTrue(key.find());
        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                (key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        byte[] response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: xmpp\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        WsCodec.Input in = ws.read(response, response.length);
        assertTrue(in.upgraded());
        assertNull(in.failure());
        return ws;
    }

    @Test
    void theStreamGoesOutAsOneMaskedTextFramePerElement() throws Exception {
        WsCodec ws = upgraded(new WsCodec());
        List<byte[]> frames = ws.frames(("<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "
                + "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>").getBytes(StandardCharsets.UTF_8));
        assertEquals(1, frames.size());
        Object[] open = clientFrame(frames.get(0));
        assertEquals(1, open[0], "text");
        assertEquals("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>", open[1]);
        List<byte[]> two = ws.frames("<presence/><message to='a@b'><body>x</body></message>"
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("<presence xmlns='jabber:client'/>", clientFrame(two.get(0))[1]);
        assertEquals("<message xmlns='jabber:client' to='a@b'><body>x</body></message>", clientFrame(two.get(1))[1]);
        assertEquals("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
                clientFrame(ws.frames("</stream:stream>".getBytes(StandardCharsets.UTF_8)).get(0))[1]);
        byte[] big = ("<message><body>" + "y".repeat(1000) + "</body></message>").getBytes(StandardCharsets.UTF_8);
        assertTrue(((String) clientFrame(ws.frames(big).get(0))[1]).contains("y".repeat(1000)), "16-bit length");
    }

    @Test
    void framesInBecomeTheStreamAPingIsAnsweredAndACloseEndsIt() throws Exception {
        WsCodec ws = upgraded(new WsCodec());
        byte[] open = serverFrame(1, true, "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='localhost' id='s1' version='1.0'/>"
                .getBytes(StandardCharsets.UTF_8));
        byte[] part1 = serverFrame(1, false, "<message xmlns='jabber:client'><bo".getBytes(StandardCharsets.UTF_8));
        byte[] part2 = serverFrame(0, true, "dy>hi</body></message>".getBytes(StandardCharsets.UTF_8));
        byte[] ping = serverFrame(9, true, new byte[] {1, 2});
        byte[] all = new byte[open.length + part1.length + part2.length + ping.length];
        System.arraycopy(open, 0, all, 0, open.length);
        System.arraycopy(part1, 0, all, open.length, part1.length);
        System.arraycopy(part2, 0, all, open.length + part1.length, part2.length);
        System.arraycopy(ping, 0, all, open.length + part1.length + part2.length, ping.length);
        // Split in the middle of a frame: the rest comes with the next read.
        WsCodec.Input first = ws.read(all, 10);
        assertEquals(List.of(), first.stream());
        byte[] rest = java.util.Arrays.copyOfRange(all, 10, all.length);
        WsCodec.Input in = ws.read(rest, rest.length);
        assertEquals(2, in.stream().size());
        String header = new String(in.stream().get(0), StandardCharsets.UTF_8);
        assertTrue(header.startsWith("<?xml version='1.0'?><stream:stream from='localhost' id='s1'"), header);
        assertEquals("<message xmlns='jabber:client'><body>hi</body></message>",
                new String(in.stream().get(1), StandardCharsets.UTF_8));
        assertEquals(1, in.replies().size());
        Object[] pong = clientFrame(in.replies().get(0));
        assertEquals(10, pong[0], "pong");
        byte[] close = serverFrame(8, true, new byte[] {3, (byte) 0xe8});
        assertTrue(ws.read(close, close.length).closed());
    }

    @Test
    void anUpgradeRefusedOrWithoutTheSubprotocolFails() throws Exception {
        WsCodec ws = new WsCodec();
        ws.handshake("127.0.0.1", 5280, "/x");
        byte[] refused = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("ws:HTTP/1.1-400-Bad-Request", ws.read(refused, refused.length).failure());
        WsCodec other = new WsCodec();
        other.handshake("127.0.0.1", 5280, "/x");
        byte[] noProtocol = "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: x\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals("ws:no-xmpp-subprotocol", other.read(noProtocol, noProtocol.length).failure());
    }
}
