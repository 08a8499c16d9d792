package io.rookery.loadtest;

import io.rookery.protocol.bosh.Bosh;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.websocket.WebSocketFraming;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of XMPP over BOSH (XEP-0124, XEP-0206) for a load session, below its RFC 6120 stream: what the
 * session writes becomes HTTP/1.1 POST requests carrying {@code <body/>} wrappers, and the responses become the
 * stream bytes its parser reads. Its stream header becomes the session creation request (the first time) or a
 * restart request ({@code xmpp:restart='true'}, XEP-0206 §5, after SASL); its closing tag a {@code type='terminate'}
 * request; its elements the payloads of a request. The creation response, and a restart's, are read back as a
 * stream header made up from the response's attributes ({@code from}, the sid as {@code id}), then the payloads.
 *
 * <p>The session asks for {@code hold='1'} and {@code wait='60'} and has at most two requests out (the
 * {@code requests} the server allows with hold 1), each on its own keep-alive HTTP connection, a "link": HTTP/1.1
 * answers a connection's requests in order, so a send behind a held request would wait for its whole wait. While
 * nothing is out, one empty request is held (the long poll), sent again as soon as its response arrives; a send then
 * goes on the other link and releases the held request (hold 1), so that neither ever waits for {@code wait}. What
 * the session writes while both are out waits for the first response and goes in one request. The session uses link
 * 0 alone until it first sends while a request is held (an idle session, only to terminate); then link 1 is
 * opened and kept. Responses are read in rid order, whichever link brings them. A link lost with its request out
 * (the server closed a keep-alive connection) sends that request again, once, on a new connection (§14.3: the
 * server answers a rid it has seen with the response it kept).
 *
 * <p>One per session, on its loop's thread; the sockets are the {@link Connection}'s. Not supported: several streams,
 * key sequencing, {@code pause}, acks from the client (no {@code ack} attribute), recoverable binding conditions
 * (a {@code type='error'} response fails the session) and chunked responses.
 */
final class BoshCodec {
    static final int LINKS = 2;
    static final int WAIT_SECONDS = 60;
    static final int HOLD = 1;
    /** A response larger than this fails the session (the server buffers at most max-buffered, 256 KiB). */
    private static final int MAX_RESPONSE_BYTES = 4 << 20;

    /** An HTTP request to write on a link (its connection opened first when it has none). */
    record Send(int link, byte[] bytes) {}

    /** What a read brought: stream bytes for the session's parser, and a failure that ends the session. */
    record Input(List<byte[]> stream, String failure, String detail) {
        static final Input NONE = new Input(List.of(), null, null);
    }

    private enum Kind { CREATE, RESTART, PAYLOAD, TERMINATE }

    /** Something the session wrote, waiting for a free link. */
    private record Unit(Kind kind, String text) {}

    /** A request out on a link, kept until its response is read. */
    private static final class Out {
        final long rid;
        final Kind kind;
        final byte[] bytes;
        boolean resent;

        Out(long rid, Kind kind, byte[] bytes) {
            this.rid = rid;
            this.kind = kind;
            this.bytes = bytes;
        }
    }

    private enum Phase { NEW, CREATING, OPEN, TERMINATING, ENDED }

    private final String hostHeader;
    private final String path;
    private final WebSocketFraming.Outbound outbound = new WebSocketFraming.Outbound();
    private Phase phase = Phase.NEW;
    private String sid;
    /** The server's 'from' and xmpp:version, for the stream headers made up from its responses. */
    private String from;
    private String version;
    /** The stream header's to and xml:lang, for a restart request. */
    private String to;
    private String lang;
    private long nextRid;
    /** Requests allowed out at once: 1 until the creation response, then min(LINKS, requests). */
    private int maxOut = 1;
    private final Out[] out = new Out[LINKS];
    private int outCount;
    private final ArrayDeque<Unit> units = new ArrayDeque<>(2);
    /** Between {@link #read} and {@link #afterInput}: writes wait, so that what the session answers goes together. */
    private boolean inInput;
    /** The rid whose response is read next; a response of a later one waits for it. */
    private long nextResponse;
    private long earlyRid = -1;
    private Kind earlyKind;
    private HttpResponseReader.Response early;
    private final HttpResponseReader[] readers = new HttpResponseReader[LINKS];
    private boolean terminateAnswered;

    BoshCodec(String host, int port, String path) {
        this.hostHeader = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]:" + port : host + ":" + port;
        this.path = path;
        // XEP-0124 §7.1: random, large, and far enough below 2^53 for the session's whole life.
        this.nextRid = ThreadLocalRandom.current().nextLong(1L << 20, 1L << 40);
        this.nextResponse = nextRid;
    }

    // ---- the session's writes ------------------------------------------------------------------------------------

    /** What the session writes on its stream: the requests that can go now (none while a read is handled). */
    List<Send> write(byte[] stream) {
        if (phase == Phase.TERMINATING || phase == Phase.ENDED) return List.of();
        for (String m : outbound.messages(new String(stream, StandardCharsets.UTF_8))) {
            if (m.startsWith("<open ")) {
                Map<String, String> a = Bosh.attributes(m);
                if (phase == Phase.NEW) {
                    to = a.get("to");
                    lang = a.get("xml:lang");
                    units.add(new Unit(Kind.CREATE, a.getOrDefault("version", "1.0")));
                    phase = Phase.CREATING;
                } else {
                    units.add(new Unit(Kind.RESTART, null));
                }
            } else if (m.startsWith("<close ")) {
                units.add(new Unit(Kind.TERMINATE, null));
                break; // nothing follows the stream's end
            } else {
                units.add(new Unit(Kind.PAYLOAD, m));
            }
        }
        return inInput ? List.of() : flush(false);
    }

    /**
     * After the session has read what {@link #read} gave it (and written its answers): the requests that go now,
     * what waited in one request, else the long poll when nothing is out.
     */
    List<Send> afterInput() {
        inInput = false;
        return flush(true);
    }

    private List<Send> flush(boolean poll) {
        List<Send> sends = null;
        while (!units.isEmpty() && outCount < maxOut) {
            Unit u = units.peek();
            if (u.kind != Kind.CREATE && sid == null) break; // nothing but the creation before the sid
            units.poll();
            Send s;
            switch (u.kind) {
                case CREATE -> s = send(Kind.CREATE, creation(u.text));
                case RESTART -> s = send(Kind.RESTART, restart());
                case TERMINATE -> {
                    s = send(Kind.TERMINATE, body(" type='terminate'", null));
                    phase = Phase.TERMINATING;
                    units.clear();
                }
                default -> {
                    StringBuilder payload = new StringBuilder(u.text);
                    Kind next = units.isEmpty() ? null : units.peek().kind;
                    while (next == Kind.PAYLOAD) {
                        payload.append(units.poll().text);
                        next = units.isEmpty() ? null : units.peek().kind;
                    }
                    if (next == Kind.TERMINATE) {
                        // §13: the last payloads go with the terminate request.
                        units.clear();
                        phase = Phase.TERMINATING;
                        s = send(Kind.TERMINATE, body(" type='terminate'", payload));
                    } else {
                        s = send(Kind.PAYLOAD, body("", payload));
                    }
                }
            }
            if (sends == null) sends = new ArrayList<>(2);
            sends.add(s);
        }
        if (poll && phase == Phase.OPEN && outCount == 0 && units.isEmpty()) {
            if (sends == null) sends = new ArrayList<>(1);
            sends.add(send(Kind.PAYLOAD, body("", null)));
        }
        return sends == null ? List.of() : sends;
    }

    /** Puts the request with the next rid on a free link, link 0 first. */
    private Send send(Kind kind, String bodyWithoutRid) {
        int link = out[0] == null ? 0 : 1;
        long rid = nextRid++;
        String xml = "<body rid='" + rid + "'" + bodyWithoutRid;
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nContent-Type: " + Bosh.CONTENT_TYPE
                + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        out[link] = new Out(rid, kind, request);
        outCount++;
        return new Send(link, request);
    }

    /** XEP-0124 §7.1 and XEP-0206 §4: to, wait, hold, ver, xmpp:version (the rid comes first, from send). */
    private String creation(String streamVersion) {
        StringBuilder b = new StringBuilder(256).append(" content='").append(Bosh.CONTENT_TYPE).append("' hold='")
                .append(HOLD).append("' to='");
        XmlWriter.escapeAttr(to == null ? "" : to, b);
        b.append("' ver='1.11' wait='").append(WAIT_SECONDS).append('\'');
        if (lang != null) {
            b.append(" xml:lang='");
            XmlWriter.escapeAttr(lang, b);
            b.append('\'');
        }
        b.append(" xmpp:version='");
        XmlWriter.escapeAttr(streamVersion, b);
        return b.append("' xmlns='").append(Bosh.NS).append("' xmlns:xmpp='").append(Bosh.XBOSH).append("'/>")
                .toString();
    }

    /** XEP-0206 §5: the stream restart after SASL. */
    private String restart() {
        StringBuilder b = new StringBuilder(192).append(" sid='").append(sid).append("' to='");
        XmlWriter.escapeAttr(to == null ? "" : to, b);
        b.append('\'');
        if (lang != null) {
            b.append(" xml:lang='");
            XmlWriter.escapeAttr(lang, b);
            b.append('\'');
        }
        return b.append(" xmpp:restart='true' xmlns='").append(Bosh.NS).append("' xmlns:xmpp='").append(Bosh.XBOSH)
                .append("'/>").toString();
    }

    private String body(String attributes, CharSequence payload) {
        StringBuilder b = new StringBuilder(96 + (payload == null ? 0 : payload.length()));
        b.append(" sid='").append(sid).append('\'').append(attributes).append(" xmlns='").append(Bosh.NS).append('\'');
        if (payload == null || payload.isEmpty()) return b.append("/>").toString();
        return b.append('>').append(payload).append("</body>").toString();
    }

    // ---- the server's responses ----------------------------------------------------------------------------------

    /** Bytes read on a link: responses, each read as stream bytes in rid order. */
    Input read(int link, byte[] bytes, int n) {
        inInput = true;
        HttpResponseReader r = readers[link];
        if (r == null) r = readers[link] = new HttpResponseReader(MAX_RESPONSE_BYTES);
        r.add(bytes, n);
        List<byte[]> stream = null;
        while (true) {
            HttpResponseReader.Response response;
            try {
                response = r.next();
            } catch (IllegalStateException bad) {
                return new Input(stream == null ? List.of() : stream, "bosh:bad-http-response", bad.getMessage());
            }
            if (response == null) break;
            Out o = out[link];
            if (o == null) {
                return new Input(stream == null ? List.of() : stream, "bosh:unexpected-response",
                        "a response on link " + link + " with no request out on it");
            }
            out[link] = null;
            outCount--;
            if (o.kind == Kind.TERMINATE) terminateAnswered = true;
            if (o.rid != nextResponse) {
                // The other link's response comes first (§ rid order): this one waits for it.
                earlyRid = o.rid;
                earlyKind = o.kind;
                early = response;
                continue;
            }
            if (stream == null) stream = new ArrayList<>(2);
            String failure = handle(o.kind, response, stream);
            nextResponse++;
            if (failure == null && early != null && earlyRid == nextResponse) {
                HttpResponseReader.Response e = early;
                early = null;
                failure = handle(earlyKind, e, stream);
                nextResponse++;
            }
            if (failure != null) {
                int space = failure.indexOf(' ');
                return new Input(stream, space < 0 ? failure : failure.substring(0, space),
                        space < 0 ? null : failure.substring(space + 1));
            }
        }
        return stream == null ? Input.NONE : new Input(stream, null, null);
    }

    /**
     * The link's connection was lost: its request, when one is out, goes again once on a new connection; a second
     * loss fails the session (returned as the failure kind; null when nothing is lost).
     */
    String linkLost(int link, List<Send> resend) {
        readers[link] = null;
        Out o = out[link];
        if (o == null || phase == Phase.ENDED) return null;
        if (o.resent || o.kind == Kind.CREATE) return "bosh:connection-lost";
        o.resent = true;
        resend.add(new Send(link, o.bytes));
        return null;
    }

    /** Reads one response into stream bytes; returns a failure ("kind detail") or null. */
    private String handle(Kind kind, HttpResponseReader.Response response, List<byte[]> stream) {
        if (phase == Phase.TERMINATING || phase == Phase.ENDED) {
            // Ours or the server's end: what comes after is not read (the session has closed its stream).
            if (kind == Kind.TERMINATE) phase = Phase.ENDED;
            return null;
        }
        if (response.status() != 200) return "bosh:http-" + response.status();
        String text = response.body();
        Bosh.Wrapper wrapper;
        try {
            wrapper = Bosh.split(text);
        } catch (Bosh.BadRequest bad) {
            return "bosh:bad-body " + abbreviate(text);
        }
        Map<String, String> a = wrapper.attributes();
        String payload = wrapper.payload();
        String type = a.get("type");
        if ("terminate".equals(type)) {
            phase = Phase.ENDED;
            String condition = a.get("condition");
            if (!payload.isEmpty()) stream.add(payload.getBytes(StandardCharsets.UTF_8));
            if (condition != null && !"remote-stream-error".equals(condition)) return "bosh:" + condition;
            // The stream ended (after a stream error, when there was one): the session reads its closing tag.
            stream.add("</stream:stream>".getBytes(StandardCharsets.UTF_8));
            return null;
        }
        if ("error".equals(type)) return "bosh:recoverable-error";
        if (kind == Kind.CREATE) {
            sid = a.get("sid");
            if (sid == null || sid.isEmpty()) return "bosh:no-sid " + abbreviate(text);
            int requests = number(a.get("requests"), 2);
            int hold = number(a.get("hold"), HOLD);
            if (hold < 1 || requests < 2) return "bosh:polling-session-unsupported hold=" + hold;
            maxOut = Math.min(LINKS, requests);
            from = a.get("from");
            version = Bosh.xbosh(a, "version");
            phase = Phase.OPEN;
        }
        if (kind == Kind.CREATE || kind == Kind.RESTART) {
            // The stream header the server would have written on TCP (XEP-0206: it is not sent over BOSH).
            stream.add(new StreamHeader(null, from, sid, version == null ? "1.0" : version, null, Namespaces.CLIENT)
                    .toOpeningXml().getBytes(StandardCharsets.UTF_8));
        }
        if (!payload.isEmpty()) stream.add(payload.getBytes(StandardCharsets.UTF_8));
        return null;
    }

    /** Whether the session's terminate request has been made (or waits for a link) and its answer not read. */
    boolean terminating() {
        return phase == Phase.TERMINATING || (phase == Phase.OPEN && units.stream().anyMatch(u -> u.kind == Kind.TERMINATE));
    }

    /** Whether the session is over as far as BOSH goes: terminated by either side. */
    boolean ended() {
        return phase == Phase.ENDED;
    }

    /** Whether the response to our terminate request has come (whatever it says). */
    boolean terminateAnswered() {
        return terminateAnswered;
    }

    /** Whether a request is out on the link. */
    boolean busy(int link) {
        return out[link] != null;
    }

    private static int number(String v, int absent) {
        if (v == null) return absent;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
