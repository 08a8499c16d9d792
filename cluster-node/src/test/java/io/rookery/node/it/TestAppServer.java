package io.rookery.node.it;

import io.rookery.protocol.xep.component.Handshake;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A XEP-0357 app server's push service as a XEP-0114 component on a raw socket: it keeps every stanza it gets, with
 * the moment it got it, answers each iq set with a result (or with the error it is told to give next), and nothing
 * more. Stanzas are cut from the stream by their top-level tags, which holds for what a server writes.
 */
final class TestAppServer implements AutoCloseable {
    /** A stanza as it arrived, and System.nanoTime() when its last byte was read. */
    record Received(Element stanza, long atNanos) {}

    private static final Pattern ID = Pattern.compile("<stream:stream[^>]* id='([^']+)'");
    private static final Pattern TOP = Pattern.compile("<(iq|message|presence)[\\s>/]");

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    /** The condition the next iq set is answered with, or null for a result. */
    volatile String refuseNextWith;
    private final String domain;
    private final Socket socket;
    private final OutputStream out;
    private final Thread reader;

    TestAppServer(int port, String domain, String secret) throws IOException {
        this.domain = domain;
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        send("<stream:stream xmlns='jabber:component:accept' xmlns:stream='http://etherx.jabber.org/streams' to='"
                + domain + "'>");
        StringBuilder text = new StringBuilder();
        byte[] buf = new byte[8192];
        Matcher m;
        while (!(m = ID.matcher(text)).find()) text.append(read(in, buf));
        send("<handshake>" + Handshake.digest(m.group(1), secret) + "</handshake>");
        while (text.indexOf("<handshake/>") < 0) text.append(read(in, buf));
        String rest = text.substring(text.indexOf("<handshake/>") + "<handshake/>".length());
        socket.setSoTimeout(0);
        reader = new Thread(() -> readStanzas(in, new StringBuilder(rest)), "test-app-server");
        reader.setDaemon(true);
        reader.start();
    }

    private static String read(InputStream in, byte[] buf) throws IOException {
        int n = in.read(buf);
        if (n < 0) throw new IOException("the server closed the component's stream");
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private synchronized void send(String xml) throws IOException {
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void readStanzas(InputStream in, StringBuilder text) {
        byte[] buf = new byte[8192];
        try {
            while (true) {
                for (Element stanza = next(text); stanza != null; stanza = next(text)) {
                    received.add(new Received(stanza, System.nanoTime()));
                    if ("iq".equals(stanza.name()) && "set".equals(stanza.attr("type"))) answer(stanza);
                }
                text.append(read(in, buf));
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    /** The first complete stanza in text, cut from it; null when none is complete yet. */
    private static Element next(StringBuilder text) {
        Matcher m = TOP.matcher(text);
        if (!m.find()) return null;
        String name = m.group(1);
        int start = m.start();
        int open = text.indexOf(">", start);
        if (open < 0) return null;
        int end;
        if (text.charAt(open - 1) == '/') {
            end = open + 1;
        } else {
            int close = text.indexOf("</" + name + ">", open);
            if (close < 0) return null;
            end = close + name.length() + 3;
        }
        String xml = text.substring(start, end);
        text.delete(0, end);
        return StoredXml.parse(xml);
    }

    private void answer(Element iq) throws IOException {
        String condition = refuseNextWith;
        refuseNextWith = null;
        String head = "<iq from='" + domain + "' to='" + iq.attr("from") + "' id='" + iq.attr("id") + "' type='";
        send(condition == null ? head + "result'/>" : head + "error'><error type='cancel'><" + condition
                + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
