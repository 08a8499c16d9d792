package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.rookery.node.config.RookerySettings;
import io.rookery.node.ext.Modules;
import io.rookery.node.limits.AddressKey;
import io.rookery.node.metrics.NodeMetrics;
import io.rookery.node.routing.Router;
import io.rookery.node.user.AccountService;
import io.rookery.node.user.SingleNode;
import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.StreamHeader;
import io.rookery.protocol.xml.Text;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * One client's conversation with a session, as literal XML in and out, in the manner of Prosody's
 * {@code sends:}/{@code receives:} scenarios: no socket, no TLS engine, no Cassandra. The session runs on a real
 * {@link SingleNode} (user entities on the in-memory journal); what it writes is parsed back into stream events.
 * In an expectation, an attribute value or a text of {@code {any}} matches anything.
 */
final class Conversation {
    static final String ANY = "{any}";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CLIENT_HEADER = "<stream:stream xmlns='jabber:client' "
            + "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

    /** What the server wrote: a stream header, an element, or its closing tag. */
    sealed interface Said {}

    record Opened(StreamHeader header) implements Said {}

    record Wrote(Element element) implements Said {}

    record ClosedStream() implements Said {}

    private final ActorRef<io.rookery.node.user.SessionProtocol.Message> session;
    private final BlockingQueue<Said> said = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> controls = new LinkedBlockingQueue<>();
    /** The messages the session marked in its writes as to be handed back if never written. */
    private final BlockingQueue<Element> messagesOut = new LinkedBlockingQueue<>();
    private XmppStreamParser serverParser = new XmppStreamParser(1 << 20);

    /** Services of a node with these settings over the node's router; tls: whether a TLS context exists. */
    static SessionServices services(SingleNode node, boolean tls, Map<String, Object> settings) {
        Config config = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.defaultReference()).resolve();
        // The session's modules follow the script's settings; its router reaches the node's user entities.
        Modules modules = Modules.fromConfig(config, Clock.systemUTC(), Instant.now());
        Router router = new Router(ClusterSharding.get(node.testKit.system()), "localhost", modules);
        modules.provide(new AccountService(node.testKit.system(), router, null, 4096));
        return new SessionServices(RookerySettings.from(config), router, tls, new NodeMetrics(), null);
    }

    Conversation(SingleNode node, SessionServices services) {
        this(node, services, AddressKey.UNKNOWN);
    }

    /** A conversation from a client at this address ({@link AddressKey}), for the per-address limits. */
    Conversation(SingleNode node, SessionServices services, long remoteAddress) {
        SessionTransport transport = out -> {
            if (!out.xml().isEmpty()) parse(out.xml());
            if (out.controls() != 0) controls.add(out.controls());
            if (out.messages() != null) messagesOut.addAll(out.messages());
            // After these the server's next words open a new stream.
            if ((out.controls() & (ConnectionStage.Out.START_TLS | ConnectionStage.Out.RESTART_STREAM)) != 0) {
                serverParser = new XmppStreamParser(1 << 20);
            }
        };
        SessionClock clock = new SessionClock(System.nanoTime(), remoteAddress);
        session = node.testKit.spawn(SessionActor.create(services, transport, clock,
                services.metrics().listener(false)));
    }

    private void parse(String xml) {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        serverParser.feed(bytes, 0, bytes.length);
        try {
            for (ParserEvent e = serverParser.next(); e != null; e = serverParser.next()) {
                if (e instanceof ParserEvent.StreamOpened o) said.add(new Opened(o.header()));
                else if (e instanceof ParserEvent.ElementParsed p) said.add(new Wrote(p.element()));
                else said.add(new ClosedStream());
            }
        } catch (XmppStreamException ex) {
            throw new AssertionError("the server wrote what is not XMPP: " + xml, ex);
        }
    }

    // ---- the client's side -----------------------------------------------------------------------------------

    /** The client opens a stream to localhost (a new one after each restart). */
    Conversation opensStream() {
        return opensStream("localhost");
    }

    Conversation opensStream(String to) {
        session.tell(new SessionActor.StreamOpened(new StreamHeader(to, null, null, "1.0", null, "jabber:client")));
        return this;
    }

    /** The client sends one top-level element, written as a client would (default namespace jabber:client). */
    Conversation sends(String xml) {
        session.tell(new SessionActor.ElementReceived(element(xml)));
        return this;
    }

    /** The client's closing tag. */
    Conversation closesStream() {
        session.tell(SessionActor.PeerClosedStream.INSTANCE);
        return this;
    }

    /** The connection stage finished a TLS handshake (what it reports after {@code <proceed/>}). */
    Conversation completesTls() {
        session.tell(new SessionActor.TlsEstablished(new byte[] {1, 2, 3}));
        return this;
    }

    /** The stage dropped the connection: the client stopped reading and its output passed the limit. */
    Conversation stageDropsOutput() {
        session.tell(SessionActor.OutputDropped.INSTANCE);
        return this;
    }

    /** The stage hands back the messages whose bytes never reached the socket. */
    Conversation stageHandsBack(List<Element> messages) {
        session.tell(new SessionActor.Undelivered(messages));
        return this;
    }

    /** The messages the session's writes so far carried for a hand-back, taken. */
    List<Element> messagesWritten() {
        List<Element> taken = new ArrayList<>();
        messagesOut.drainTo(taken);
        return taken;
    }

    // ---- the server's side -----------------------------------------------------------------------------------

    private Said next() {
        try {
            Said s = said.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(s, "the server wrote nothing more");
            return s;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The server's stream header, from the domain, with a stream id. */
    Conversation receivesStreamHeader() {
        Said s = next();
        if (!(s instanceof Opened o)) throw new AssertionError("expected the server's stream header, got " + s);
        assertEquals("localhost", o.header().from());
        assertNotNull(o.header().id(), "the server's header carries a stream id (RFC 6120 §4.7.3)");
        assertEquals("1.0", o.header().version());
        return this;
    }

    /** The next element the server writes is this one. */
    Conversation receives(String expectedXml) {
        Element expected = element(expectedXml);
        Said s = next();
        if (!(s instanceof Wrote w)) throw new AssertionError("expected " + expectedXml + ", got " + s);
        List<String> problems = new ArrayList<>();
        match(expected, w.element(), "/", problems);
        if (!problems.isEmpty()) {
            fail("the server wrote " + w.element() + "\n  expected " + expected + "\n  " + String.join("\n  ", problems));
        }
        return this;
    }

    /** The next element the server writes, whatever it is (for what a later step reads, such as a bound JID). */
    Element receivesElement() {
        Said s = next();
        if (!(s instanceof Wrote w)) throw new AssertionError("expected an element, got " + s);
        return w.element();
    }

    /** The server's closing tag: the stream is over. */
    Conversation receivesStreamEnd() {
        Said s = next();
        if (!(s instanceof ClosedStream)) throw new AssertionError("expected the closing tag, got " + s);
        return this;
    }

    /** The stage was asked for this control (for example START_TLS) since the last check. */
    Conversation asksTheStageTo(int control) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int seen = 0;
        try {
            while ((seen & control) == 0) {
                long left = deadline - System.nanoTime();
                Integer c = left <= 0 ? null : controls.poll(left, TimeUnit.NANOSECONDS);
                if (c == null) fail("the stage was not asked for control " + control);
                seen |= c;
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return this;
    }

    /** Nothing more arrives for a while. */
    Conversation receivesNothingMore(Duration quiet) {
        try {
            Said s = said.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (s != null) fail("the server wrote " + s);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return this;
    }

    // ---- literal XML -----------------------------------------------------------------------------------------

    /** One element as a client writes it inside its stream. */
    static Element element(String xml) {
        XmppStreamParser p = new XmppStreamParser(1 << 20);
        byte[] bytes = (CLIENT_HEADER + xml).getBytes(StandardCharsets.UTF_8);
        p.feed(bytes, 0, bytes.length);
        try {
            for (ParserEvent e = p.next(); e != null; e = p.next()) {
                if (e instanceof ParserEvent.ElementParsed parsed) return parsed.element();
            }
        } catch (XmppStreamException ex) {
            throw new IllegalArgumentException("not an element: " + xml, ex);
        }
        throw new IllegalArgumentException("not a complete element: " + xml);
    }

    static void match(Element expected, Element actual, String path, List<String> problems) {
        String here = path + expected.name();
        if (!expected.name().equals(actual.name()) || !expected.namespace().equals(actual.namespace())) {
            problems.add(here + ": got {" + actual.namespace() + "}" + actual.name());
            return;
        }
        if (!expected.attributes().keySet().equals(actual.attributes().keySet())) {
            problems.add(here + ": attributes " + actual.attributes().keySet() + ", expected "
                    + expected.attributes().keySet());
        }
        expected.attributes().forEach((k, v) -> {
            if (!ANY.equals(v) && !v.equals(actual.attr(k))) problems.add(here + "@" + k + ": got " + actual.attr(k));
        });
        String expectedText = text(expected);
        if (!ANY.equals(expectedText) && !expectedText.equals(text(actual))) {
            problems.add(here + ": text '" + text(actual) + "', expected '" + expectedText + "'");
        }
        List<Element> e = expected.elements();
        List<Element> a = actual.elements();
        if (e.size() != a.size()) {
            problems.add(here + ": " + a.size() + " children " + a + ", expected " + e.size());
            return;
        }
        for (int i = 0; i < e.size(); i++) match(e.get(i), a.get(i), here + "/", problems);
    }

    private static String text(Element e) {
        StringBuilder sb = new StringBuilder();
        for (Node n : e.children()) if (n instanceof Text t) sb.append(t.text());
        return sb.toString().trim();
    }
}
