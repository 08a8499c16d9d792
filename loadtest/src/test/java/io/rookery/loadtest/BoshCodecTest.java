package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.protocol.bosh.Bosh;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.ParserLimits;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load session's BOSH side: its requests read by the server's own {@link Bosh#parse}, the server's responses
 * written by {@link Bosh#response} (in HTTP/1.1 responses made here) and read back as the stream a session parses.
 */
class BoshCodecTest {
    private static final String HEADER = "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "
            + "xml:lang='en' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
    private static final String FEATURES = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
            + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
            + "</stream:features>";
    private static final String SID = "0123456789abcdef";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A request as the server reads it, after checking the HTTP request around it. */
    private static Bosh.Request request(BoshCodec.Send send) throws Exception {
        String http = new String(send.bytes(), StandardCharsets.UTF_8);
        int end = http.indexOf("\r\n\r\n");
        assertTrue(end > 0, http);
        String head = http.substring(0, end);
        String body = http.substring(end + 4);
        assertTrue(head.startsWith("POST /http-bind HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nHost: 127.0.0.1:5280"), head);
        assertTrue(head.contains("\r\nContent-Type: text/xml; charset=utf-8"), head);
        assertTrue(head.contains("\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length), head);
        return Bosh.parse(body, ParserLimits.forMaxStanzaBytes(65536));
    }

    /** type='terminate' without a condition, as BoshSession writes it (Bosh.terminate(null) throws: List.of(null)). */
    private static final String TERMINATE = Bosh.response(List.of("type", "terminate"), List.of());

    private static byte[] http(String body) {
        byte[] b = utf8(body);
        byte[] head = ("HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Type: text/xml; charset=UTF-8\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + b.length);
        System.arraycopy(b, 0, all, head.length, b.length);
        return all;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    private static BoshCodec.Input read(BoshCodec codec, int link, byte[] bytes) {
        return codec.read(link, bytes, bytes.length);
    }

    private static String text(List<byte[]> stream) {
        StringBuilder b = new StringBuilder();
        for (byte[] m : stream) b.append(new String(m, StandardCharsets.UTF_8));
        return b.toString();
    }

    /** The creation response as Rookery writes it (BoshSession), with the features. */
    private static String creationResponse(long rid) {
        return Bosh.response(List.of("sid", SID, "wait", "60", "requests", "2", "hold", "1", "polling", "2",
                "inactivity", "30", "ver", "1.11", "from", "localhost", "ack", Long.toString(rid), "secure", "true",
                "xmpp:version", "1.0", "xmpp:restartlogic", "true"), List.of(FEATURES));
    }

    /** A codec past the creation: the session holds the features, and the long poll is out on link 0. */
    private static long[] created(BoshCodec codec, List<BoshCodec.Send> poll) throws Exception {
        List<BoshCodec.Send> sends = codec.write(utf8(HEADER));
        long rid = request(sends.get(0)).rid();
        BoshCodec.Input in = read(codec, 0, http(creationResponse(rid)));
        assertNull(in.failure());
        poll.addAll(codec.afterInput());
        return new long[] {rid, request(poll.get(0)).rid()};
    }

    @Test
    void theStreamHeaderBecomesTheCreationRequestAndItsResponseAStreamTheSessionParses() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        List<BoshCodec.Send> sends = codec.write(utf8(HEADER));
        assertEquals(1, sends.size());
        assertEquals(0, sends.get(0).link());
        Bosh.Request creation = request(sends.get(0));
        assertNull(creation.sid());
        assertTrue(creation.rid() > 0);
        assertEquals("localhost", creation.body().attr("to"));
        assertEquals("60", creation.body().attr("wait"));
        assertEquals("1", creation.body().attr("hold"));
        assertEquals("1.11", creation.body().attr("ver"));
        assertEquals("en", creation.body().attr("xml:lang"));
        assertEquals("1.0", creation.xbosh("version"));
        assertTrue(creation.empty());
        assertEquals(List.of(), codec.write(utf8("<presence/>")), "nothing but the creation before the sid");

        BoshCodec.Input in = read(codec, 0, http(creationResponse(creation.rid())));
        assertNull(in.failure());
        XmppStreamParser parser = new XmppStreamParser(65536);
        byte[] stream = utf8(text(in.stream()));
        parser.feed(stream, 0, stream.length);
        ParserEvent.StreamOpened opened = assertInstanceOf(ParserEvent.StreamOpened.class, parser.next());
        assertEquals("localhost", opened.header().from());
        assertEquals(SID, opened.header().id());
        assertEquals("1.0", opened.header().version());
        Element features = assertInstanceOf(ParserEvent.ElementParsed.class, parser.next()).element();
        assertTrue(features.is("features", "http://etherx.jabber.org/streams"), features.toString());
        assertEquals("PLAIN", features.child("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl")
                .childText("mechanism", "urn:ietf:params:xml:ns:xmpp-sasl"));

        // What the session wrote before the sid goes first; nothing else is out, so no poll besides it.
        List<BoshCodec.Send> after = codec.afterInput();
        assertEquals(1, after.size());
        Bosh.Request presence = request(after.get(0));
        assertEquals(SID, presence.sid());
        assertEquals(creation.rid() + 1, presence.rid());
        assertEquals("<presence xmlns='jabber:client'/>", presence.payload());
    }

    @Test
    void aSendWhileThePollIsHeldGoesOnTheOtherLinkAndWritesWhileBothAreOutGoTogetherAfter() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        List<BoshCodec.Send> poll = new ArrayList<>();
        long[] rids = created(codec, poll);
        assertEquals(1, poll.size(), "the long poll");
        assertEquals(0, poll.get(0).link());
        Bosh.Request empty = request(poll.get(0));
        assertEquals(rids[0] + 1, empty.rid());
        assertEquals(SID, empty.sid());
        assertTrue(empty.empty());

        List<BoshCodec.Send> sends = codec.write(utf8("<message to='a@localhost' type='chat'><body>x</body></message>"));
        assertEquals(1, sends.size());
        assertEquals(1, sends.get(0).link(), "not behind the held request");
        Bosh.Request message = request(sends.get(0));
        assertEquals(empty.rid() + 1, message.rid());
        assertEquals("<message xmlns='jabber:client' to='a@localhost' type='chat'><body>x</body></message>",
                message.payload());

        // Both out (requests = 2): these wait, and go in one request when a response comes.
        assertEquals(List.of(), codec.write(utf8("<presence/>")));
        assertEquals(List.of(), codec.write(utf8("<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>")));
        // hold=1: the server answers the poll (empty) as the message's request arrives.
        BoshCodec.Input in = read(codec, 0, http(Bosh.response(List.of(), List.of())));
        assertEquals(List.of(), in.stream());
        assertNull(in.failure());
        List<BoshCodec.Send> after = codec.afterInput();
        assertEquals(1, after.size());
        assertEquals(0, after.get(0).link());
        Bosh.Request both = request(after.get(0));
        assertEquals(message.rid() + 1, both.rid());
        assertEquals("<presence xmlns='jabber:client'/><iq xmlns='jabber:client' type='get' id='p'>"
                + "<ping xmlns='urn:xmpp:ping'/></iq>", both.payload());

        // A message for us in the answer to the message's request: read as the stream; still one out, so no poll.
        in = read(codec, 1, http(Bosh.response(List.of(), List.of(
                "<message xmlns='jabber:client' from='a@localhost/r' type='chat'><body>hi</body></message>"))));
        assertEquals("<message xmlns='jabber:client' from='a@localhost/r' type='chat'><body>hi</body></message>",
                text(in.stream()));
        assertEquals(List.of(), codec.afterInput());
        // The last one answered: the poll goes again, on link 0 (free again).
        read(codec, 0, http(Bosh.response(List.of(), List.of())));
        List<BoshCodec.Send> again = codec.afterInput();
        assertEquals(1, again.size());
        assertEquals(0, again.get(0).link());
        assertEquals(both.rid() + 1, request(again.get(0)).rid());
        assertTrue(request(again.get(0)).empty());
    }

    @Test
    void aStreamHeaderAfterSaslIsARestartWhoseResponseStartsANewStream() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        List<BoshCodec.Send> poll = new ArrayList<>();
        created(codec, poll);
        List<BoshCodec.Send> auth = codec.write(utf8("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                + "mechanism='PLAIN'>AGEAYg==</auth>"));
        assertEquals(1, auth.get(0).link());
        assertEquals("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>",
                request(auth.get(0)).payload());
        read(codec, 0, http(Bosh.response(List.of(), List.of())));
        assertEquals(List.of(), codec.afterInput(), "the auth request is out: no poll");
        BoshCodec.Input in = read(codec, 1, http(Bosh.response(List.of(), List.of(
                "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"))));
        assertEquals("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", text(in.stream()));
        // The session restarts its stream while it reads the success: the request goes after.
        assertEquals(List.of(), codec.write(utf8(HEADER)));
        List<BoshCodec.Send> restart = codec.afterInput();
        assertEquals(1, restart.size());
        Bosh.Request r = request(restart.get(0));
        assertTrue(r.restart(), r.body().toString());
        assertEquals(SID, r.sid());
        assertEquals("localhost", r.body().attr("to"));
        assertTrue(r.empty());
        in = read(codec, restart.get(0).link(), http(Bosh.response(List.of(), List.of(
                "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind "
                        + "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"))));
        String stream = text(in.stream());
        assertTrue(stream.startsWith("<?xml version='1.0'?><stream:stream from='localhost' id='" + SID + "'"), stream);
        assertTrue(stream.endsWith("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>"), stream);
    }

    @Test
    void responsesAreReadInRidOrderSplitAcrossReadsOrAfterAnInterimOne() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        created(codec, new ArrayList<>());
        codec.write(utf8("<presence/>")); // on link 1
        byte[] second = http(Bosh.response(List.of(), List.of("<message xmlns='jabber:client' id='2'/>")));
        byte[] first = http(Bosh.response(List.of(), List.of("<message xmlns='jabber:client' id='1'/>")));
        // Link 1's response (the later rid) comes first, in three pieces: it waits for link 0's.
        assertEquals(List.of(), read(codec, 1, Arrays.copyOfRange(second, 0, 20)).stream());
        assertEquals(List.of(), read(codec, 1, Arrays.copyOfRange(second, 20, second.length - 7)).stream());
        BoshCodec.Input in = read(codec, 1, Arrays.copyOfRange(second, second.length - 7, second.length));
        assertEquals(List.of(), in.stream());
        assertNull(in.failure());
        codec.afterInput();
        // Link 0's, after an interim 100 in the same read: both are read, in order.
        in = read(codec, 0, concat(utf8("HTTP/1.1 100 Continue\r\n\r\n"), first));
        assertNull(in.failure());
        assertEquals("<message xmlns='jabber:client' id='1'/><message xmlns='jabber:client' id='2'/>",
                text(in.stream()));
        assertEquals(1, codec.afterInput().size(), "nothing out: the poll");
    }

    @Test
    void aResponseWithNoRequestOutOrNotHttpFailsTheSession() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        created(codec, new ArrayList<>());
        byte[] empty = http(Bosh.response(List.of(), List.of()));
        BoshCodec.Input in = read(codec, 0, concat(empty, empty));
        assertEquals("bosh:unexpected-response", in.failure());

        BoshCodec other = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        other.write(utf8(HEADER));
        assertEquals("bosh:bad-http-response", read(other, 0, utf8("SSH-2.0-OpenSSH\r\n\r\n")).failure());
        BoshCodec chunked = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        chunked.write(utf8(HEADER));
        assertEquals("bosh:bad-http-response", read(chunked, 0,
                utf8("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")).failure());
    }

    @Test
    void aStatusOtherThan200FailsTheSession() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        codec.write(utf8(HEADER));
        BoshCodec.Input in = read(codec, 0, utf8("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found"));
        assertEquals("bosh:http-404", in.failure());
        assertEquals(List.of(), in.stream());

        BoshCodec later = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        created(later, new ArrayList<>());
        assertEquals("bosh:http-503", read(later, 0,
                utf8("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")).failure());
    }

    @Test
    void theClosingTagBecomesATerminateRequestAnsweredOnItsLink() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        List<BoshCodec.Send> poll = new ArrayList<>();
        long[] rids = created(codec, poll);
        assertFalse(codec.terminating());
        List<BoshCodec.Send> sends = codec.write(utf8("<presence type='unavailable'/></stream:stream>"));
        assertEquals(1, sends.size());
        assertEquals(1, sends.get(0).link());
        Bosh.Request terminate = request(sends.get(0));
        assertTrue(terminate.terminate());
        assertEquals(SID, terminate.sid());
        assertEquals(rids[1] + 1, terminate.rid());
        assertEquals("<presence xmlns='jabber:client' type='unavailable'/>", terminate.payload(), "§13: with it");
        assertTrue(codec.terminating());
        assertEquals(List.of(), codec.write(utf8("<presence/>")), "nothing after the end");
        // Its answer before the poll's: the terminate is answered (whatever order the two come in).
        assertEquals(List.of(), read(codec, 1, http(TERMINATE)).stream());
        assertTrue(codec.terminateAnswered());
        assertEquals(List.of(), codec.afterInput(), "no poll after the end");
        read(codec, 0, http(TERMINATE));
        assertTrue(codec.ended());
        assertEquals(List.of(), codec.afterInput());
    }

    @Test
    void aTerminateFromTheServerEndsTheStream() throws Exception {
        // A stream error: the session reads it, then the stream's end.
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        created(codec, new ArrayList<>());
        String error = "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict "
                + "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
        BoshCodec.Input in = read(codec, 0, http(Bosh.response(List.of("type", "terminate", "condition",
                "remote-stream-error"), List.of(error))));
        assertNull(in.failure());
        assertEquals(error + "</stream:stream>", text(in.stream()));
        assertTrue(codec.ended());
        assertEquals(List.of(), codec.afterInput());

        // Ended without a condition: the stream's end.
        BoshCodec plain = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        created(plain, new ArrayList<>());
        in = read(plain, 0, http(TERMINATE));
        assertNull(in.failure());
        assertEquals("</stream:stream>", text(in.stream()));

        // A binding condition (XEP-0124 §17.2): the session fails with it.
        BoshCodec refused = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        refused.write(utf8(HEADER));
        in = read(refused, 0, http(Bosh.terminate(Bosh.Condition.HOST_UNKNOWN)));
        assertEquals("bosh:host-unknown", in.failure());
        assertTrue(refused.ended());
    }

    @Test
    void aLostConnectionSendsItsRequestAgainOnceThenFails() throws Exception {
        BoshCodec codec = new BoshCodec("127.0.0.1", 5280, "/http-bind");
        List<BoshCodec.Send> poll = new ArrayList<>();
        created(codec, poll);
        List<BoshCodec.Send> resend = new ArrayList<>();
        assertNull(codec.linkLost(1, resend), "nothing out on link 1");
        assertEquals(List.of(), resend);
        assertNull(codec.linkLost(0, resend));
        assertEquals(1, resend.size());
        assertEquals(0, resend.get(0).link());
        assertArrayEquals(poll.get(0).bytes(), resend.get(0).bytes(), "the same rid: §14.3");
        assertEquals("bosh:connection-lost", codec.linkLost(0, new ArrayList<>()));
    }
}
