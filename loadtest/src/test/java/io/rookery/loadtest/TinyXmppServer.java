package io.rookery.loadtest;

import io.rookery.protocol.sasl.SaslMechanisms;
import io.rookery.protocol.xep.register.Register;
import io.rookery.protocol.sasl.SaslServerMechanism;
import io.rookery.protocol.sasl.SaslStep;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.tls.TlsBufferPool;
import io.rookery.protocol.tls.TlsCodec;
import io.rookery.protocol.tls.TlsContexts;
import io.rookery.protocol.tls.TlsException;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.XmlWriter;
import io.rookery.protocol.xml.XmppStreamParser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * TEST FIXTURE: the smallest XMPP server the load generator can log in to and chat through, built on the protocol
 * module's real parser, SASL server mechanisms and TLS codec. One selector thread; it offers STARTTLS (when given
 * a context), the mechanisms {@link SaslMechanisms#advertised} lists, bind (and, if asked, a mandatory session),
 * and routes messages to the connected session whose full or bare JID is in 'to', bouncing the rest with
 * service-unavailable. Rosters, subscriptions and presence are {@link TinyRosters}', group chat {@link TinyMuc}'s.
 *
 * <p>By default every user exists and has the one password given. After {@link #openRegistration()} only
 * registered accounts (and those {@link #addAccount added}) can log in, and XEP-0077 in-band registration is
 * offered before authentication: the form, then creation, conflict for an existing user, not-allowed for a name
 * given to {@link #refuseRegistration}; like the examples of XEP-0077, error replies carry the query back, password
 * included. No limits.
 */
final class TinyXmppServer implements AutoCloseable {
    private static final byte[] SALT = "tiny-server-salt".getBytes(StandardCharsets.US_ASCII);

    final AtomicInteger binds = new AtomicInteger();
    final AtomicInteger rosterGets = new AtomicInteger();
    final AtomicInteger routed = new AtomicInteger();
    /** XEP-0198 acknowledgements clients sent in answer to our requests, and requests of theirs we answered. */
    final java.util.concurrent.atomic.AtomicInteger smAcksReceived = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger smRequestsAnswered = new java.util.concurrent.atomic.AtomicInteger();
    /** XEP-0198 enables that asked for resumption. */
    final java.util.concurrent.atomic.AtomicInteger smResumptionsAsked = new java.util.concurrent.atomic.AtomicInteger();
    /** XEP-0198 resumptions: streams resumed, and refused with failed. */
    final AtomicInteger smResumed = new AtomicInteger();
    final AtomicInteger smResumeRefused = new AtomicInteger();
    /** Messages held for a dropped session (delivered on its resumption or its next bind, or lost on purpose). */
    final AtomicInteger held = new AtomicInteger();
    private volatile boolean resumption;
    private volatile boolean refuseResumption;
    private volatile boolean loseHeld;
    private final java.util.concurrent.atomic.AtomicReference<java.util.function.Predicate<String>> dropRequest =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final Map<String, Conn> resumable = new HashMap<>();
    /** Every message routed (delivered or held), by its recipient's bare JID: what a XEP-0313 query reads. */
    private final Map<String, List<String>> archive = new HashMap<>();
    /** XEP-0313 queries answered (each page counts). */
    final AtomicInteger archivePages = new AtomicInteger();
    final AtomicInteger registered = new AtomicInteger();
    final AtomicInteger registrationForms = new AtomicInteger();
    final TinyRosters rosters = new TinyRosters();
    /** XEP-0045 on conference.DOMAIN. */
    final TinyMuc muc;
    private final Map<String, String> accounts = new ConcurrentHashMap<>();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private volatile boolean registration;
    private final String domain;
    private final String password;
    private final SSLContext tls;
    private final boolean requireSession;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private final byte[] scratch = new byte[64 * 1024];
    private final Map<String, ScramCredentials> credentials = new HashMap<>();
    private final Map<String, Conn> routes = new HashMap<>();
    private volatile boolean running = true;
    private int nextId;

    TinyXmppServer(String domain, String password, SSLContext tlsOrNull, boolean requireSession) throws IOException {
        this(domain, password, tlsOrNull, requireSession, new InetSocketAddress("127.0.0.1", 0));
    }

    TinyXmppServer(String domain, String password, SSLContext tlsOrNull, boolean requireSession,
            InetSocketAddress bindTo) throws IOException {
        this.domain = domain;
        this.muc = new TinyMuc(domain);
        this.password = password;
        this.tls = tlsOrNull;
        this.requireSession = requireSession;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        server.bind(bindTo, 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::loop, "tiny-xmpp-server");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * For trying the generator by hand: {@code java -cp ... io.rookery.loadtest.TinyXmppServer PORT PASSWORD
     * [starttls]}; runs until killed.
     */
    public static void main(String[] args) throws Exception {
        SSLContext tls = args.length > 2 && args[2].equals("starttls") ? TestCertificate.serverContext() : null;
        TinyXmppServer s = new TinyXmppServer("localhost", args[1], tls, false,
                new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])));
        System.err.println("tiny server on 127.0.0.1:" + s.port());
        s.thread.join();
    }

    int port() {
        return server.socket().getLocalPort();
    }

    /** From now on only accounts log in, and anyone may register one (XEP-0077). */
    void openRegistration() {
        registration = true;
    }

    /** An account that exists already (with the server's password). */
    void addAccount(String user) {
        accounts.put(user, password);
    }

    /** Registering this user name is refused with not-allowed. */
    void refuseRegistration(String user) {
        refused.add(user);
    }

    /**
     * XEP-0198 resumption from now on: enable with resume gets an id; a dropped session's route stays, holding
     * what is sent to it, until it resumes (its held messages then follow resumed) or binds again (they follow the
     * bind, as offline messages would).
     */
    void offerResumption() {
        resumption = true;
    }

    /** Every resume is answered failed (item-not-found). */
    void refuseResumption() {
        refuseResumption = true;
    }

    /** Messages held for a dropped session are forgotten, having been acknowledged to their sender: a lossy server. */
    void loseHeld() {
        loseHeld = true;
    }

    /** Drops, at once and without a stream close, the connection of every bound user whose user name matches. */
    void drop(java.util.function.Predicate<String> users) {
        dropRequest.set(users);
        selector.wakeup();
    }

    boolean hasAccount(String user) {
        return accounts.containsKey(user);
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (running) {
                selector.select(100);
                java.util.function.Predicate<String> drop = dropRequest.getAndSet(null);
                if (drop != null) {
                    for (SelectionKey k : List.copyOf(selector.keys())) {
                        if (k.attachment() instanceof Conn c && c.jid != null && drop.test(c.user)) c.detach();
                    }
                }
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) continue;
                    if (key.isAcceptable()) {
                        accept();
                    } else {
                        Conn c = (Conn) key.attachment();
                        if (key.isWritable()) c.flush();
                        if (key.isValid() && key.isReadable()) c.read();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (SelectionKey k : selector.keys()) {
                try {
                    k.channel().close();
                } catch (IOException ignored) {
                    // shutting down
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        }
    }

    /** The user's credentials, or null when it has no account (only when registration is open). */
    private ScramCredentials credentials(ScramHash hash, String user) {
        String pw = registration ? accounts.get(user) : password;
        if (pw == null) return null;
        return credentials.computeIfAbsent(hash.name() + "\0" + pw, k -> ScramCredentials.derive(hash, pw, SALT, 4096));
    }

    private final class Conn implements TinyRosters.Peer {
        final SocketChannel ch;
        SelectionKey key;
        XmppStreamParser parser = new XmppStreamParser(64 * 1024);
        TlsCodec codec;
        SaslServerMechanism sasl;
        String user;
        String jid;
        /** XEP-0198: stanzas handled since the client enabled it; -1 until then. */
        long smHandled = -1;
        /** Dropped by {@link #drop}: what is routed to it waits here for its resumption or next bind. */
        boolean detached;
        final List<String> heldHere = new java.util.ArrayList<>();
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void read() {
            try {
                readBuffer.clear();
                int n = ch.read(readBuffer);
                if (n < 0) {
                    close();
                    return;
                }
                System.arraycopy(readBuffer.array(), 0, scratch, 0, n);
                if (codec == null) {
                    feed(scratch, n);
                } else {
                    TlsCodec.Result r = codec.unwrap(scratch, 0, n);
                    write(r.netOut());
                    if (r.appOut().length > 0) feed(r.appOut(), r.appOut().length);
                    if (r.inboundClosed()) close();
                }
            } catch (IOException | TlsException | XmppStreamException e) {
                close();
            }
        }

        private void feed(byte[] b, int n) throws XmppStreamException, TlsException {
            XmppStreamParser p = parser;
            if (p == null || !p.needsInput()) return;
            p.feed(b, 0, n);
            ParserEvent ev;
            while (parser == p && (ev = p.next()) != null) {
                if (ev instanceof ParserEvent.StreamOpened) {
                    opened();
                } else if (ev instanceof ParserEvent.ElementParsed e) {
                    element(e.element());
                } else {
                    send("</stream:stream>");
                    close();
                    return;
                }
            }
        }

        private void opened() throws TlsException {
            StringBuilder sb = new StringBuilder("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                    + "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' from='").append(domain)
                    .append("' id='s").append(nextId++).append("'><stream:features>");
            if (tls != null && codec == null) {
                sb.append("<starttls xmlns='").append(Namespaces.TLS).append("'><required/></starttls>");
            } else if (user == null) {
                sb.append("<mechanisms xmlns='").append(Namespaces.SASL).append("'>");
                for (String m : SaslMechanisms.advertised(codec != null, false, true)) {
                    sb.append("<mechanism>").append(m).append("</mechanism>");
                }
                sb.append("</mechanisms>");
                if (registration) sb.append("<register xmlns='").append(Register.FEATURE).append("'/>");
            } else {
                sb.append("<bind xmlns='").append(Namespaces.BIND).append("'/>");
                if (resumption) sb.append("<sm xmlns='urn:xmpp:sm:3'/>");
                if (requireSession) sb.append("<session xmlns='").append(Namespaces.SESSION).append("'/>");
            }
            send(sb.append("</stream:features>"));
        }

        private void element(Element e) throws TlsException {
            if (e.is("resume", "urn:xmpp:sm:3") && user != null && jid == null) {
                resume(e.attr("previd"));
                return;
            }
            if ("urn:xmpp:sm:3".equals(e.namespace()) && jid != null) {
                switch (e.name()) {
                    case "enable" -> {
                        smHandled = 0;
                        boolean resume = "true".equals(e.attr("resume"));
                        if (resume) smResumptionsAsked.incrementAndGet();
                        if (resume && resumption) {
                            String id = "sm" + nextId++;
                            resumable.put(id, this);
                            send("<enabled xmlns='urn:xmpp:sm:3' id='" + id + "' resume='true'/>");
                        } else {
                            send("<enabled xmlns='urn:xmpp:sm:3'/>");
                        }
                    }
                    case "r" -> {
                        smRequestsAnswered.incrementAndGet();
                        send("<a xmlns='urn:xmpp:sm:3' h='" + smHandled + "'/>");
                    }
                    case "a" -> smAcksReceived.incrementAndGet();
                    default -> { }
                }
                return;
            }
            if (smHandled >= 0 && (e.is("iq", null) || e.is("message", null) || e.is("presence", null))) smHandled++;
            if (e.is("starttls", Namespaces.TLS) && tls != null && codec == null) {
                send("<proceed xmlns='" + Namespaces.TLS + "'/>");
                codec = new TlsCodec(TlsContexts.serverEngine(tls), TlsBufferPool.shared());
                parser = new XmppStreamParser(64 * 1024);
            } else if (e.is("auth", Namespaces.SASL) && user == null) {
                sasl = SaslMechanisms.create(e.attr("mechanism"), null, false);
                String t = e.text();
                sasl(sasl.start(t.isEmpty() ? null : Base64.getDecoder().decode(t.equals("=") ? "" : t)));
            } else if (e.is("response", Namespaces.SASL) && sasl != null) {
                sasl(sasl.respond(Base64.getDecoder().decode(e.text())));
            } else if (e.is("iq", null) && user == null && e.child("query", Register.NS) != null) {
                register(e);
            } else if (jid != null && muc.handles(e)) {
                muc.stanza(this, e);
            } else if (e.is("iq", null) && user != null) {
                iq(e);
            } else if (e.is("message", null) && jid != null) {
                route(e);
            } else if (e.is("presence", null) && jid != null) {
                rosters.presence(this, e);
            }
        }

        /** XEP-0198 §5: continues the dropped session of that id, then sends what was held for it. */
        private void resume(String previd) throws TlsException {
            Conn old = previd == null ? null : resumable.get(previd);
            if (refuseResumption || old == null || !old.detached || !old.user.equals(user)) {
                smResumeRefused.incrementAndGet();
                send("<failed xmlns='urn:xmpp:sm:3'><item-not-found xmlns='" + Namespaces.STANZAS + "'/></failed>");
                return;
            }
            resumable.put(previd, this);
            jid = old.jid;
            smHandled = old.smHandled;
            routes.put(jid, this);
            routes.put(bare(jid), this);
            smResumed.incrementAndGet();
            send("<resumed xmlns='urn:xmpp:sm:3' previd='" + previd + "' h='" + smHandled + "'/>");
            takeHeld(old);
        }

        /** What was held for a dropped connection of this JID comes here (unless the server loses it). */
        private void takeHeld(Conn old) throws TlsException {
            old.detached = false;
            if (!loseHeld) {
                for (String xml : old.heldHere) send(xml);
            }
            old.heldHere.clear();
        }

        /** Gone without a stream close, as when a node dies; the routes stay and hold what comes. */
        void detach() {
            detached = true;
            key.cancel();
            try {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0); // a reset, as the kernel sends for a killed process
                ch.close();
            } catch (IOException ignored) {
                // gone either way
            }
        }

        /**
         * XEP-0313 §4 over the messages routed to this user, the archive ids being their positions: a page of RSM
         * max (at most 10) after the id RSM after names, then fin, complete on the last page.
         */
        private void archiveQuery(Element iq, Element query) throws TlsException {
            archivePages.incrementAndGet();
            List<String> mine = archive.getOrDefault(bare(jid), List.of());
            Element set = query.child("set", "http://jabber.org/protocol/rsm");
            String maxText = set == null ? null : set.childText("max", "http://jabber.org/protocol/rsm");
            String afterText = set == null ? null : set.childText("after", "http://jabber.org/protocol/rsm");
            int max = maxText == null ? 10 : Math.min(10, Integer.parseInt(maxText.trim())); // its largest page
            int from = afterText == null ? 0 : Integer.parseInt(afterText.trim()) + 1;
            int to = Math.min(mine.size(), from + max);
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < to; i++) {
                sb.append("<message to='").append(jid).append("'><result xmlns='urn:xmpp:mam:2' id='").append(i)
                        .append("'><forwarded xmlns='urn:xmpp:forward:0'>").append(mine.get(i))
                        .append("</forwarded></result></message>");
            }
            sb.append("<iq type='result' id='").append(iq.attr("id")).append("'><fin xmlns='urn:xmpp:mam:2'")
                    .append(to >= mine.size() ? " complete='true'" : "").append(">");
            if (to > from) {
                sb.append("<set xmlns='http://jabber.org/protocol/rsm'><first>").append(from).append("</first><last>")
                        .append(to - 1).append("</last></set>");
            }
            send(sb.append("</fin></iq>"));
        }

        /** XEP-0077 §3.1 before authentication. */
        private void register(Element iq) throws TlsException {
            String id = iq.attr("id");
            if (!registration) {
                send(iqError(iq, "cancel", "service-unavailable"));
            } else if ("get".equals(iq.attr("type"))) {
                registrationForms.incrementAndGet();
                send("<iq type='result' id='" + id + "'><query xmlns='" + Register.NS + "'><instructions>"
                        + "Choose a user name and password.</instructions><username/><password/></query></iq>");
            } else if ("set".equals(iq.attr("type"))) {
                Element q = iq.child("query", Register.NS);
                String name = q.childText("username", Register.NS);
                String pw = q.childText("password", Register.NS);
                if (name == null || pw == null || name.isEmpty() || pw.isEmpty()) {
                    send(iqError(iq, "modify", "not-acceptable"));
                } else if (refused.contains(name)) {
                    send(iqError(iq, "cancel", "not-allowed"));
                } else if (accounts.putIfAbsent(name, pw) != null) {
                    send(iqError(iq, "cancel", "conflict"));
                } else {
                    registered.incrementAndGet();
                    send("<iq type='result' id='" + id + "'/>");
                }
            }
        }

        /** An error reply that carries the request's payload back, as XEP-0077's examples do. */
        private String iqError(Element iq, String type, String condition) {
            StringBuilder sb = new StringBuilder("<iq type='error' id='").append(iq.attr("id")).append("'>");
            for (Element child : iq.elements()) XmlWriter.write(child, Namespaces.CLIENT, sb);
            return sb.append("<error type='").append(type).append("'><").append(condition).append(" xmlns='")
                    .append(Namespaces.STANZAS).append("'/></error></iq>").toString();
        }

        @Override
        public String jid() {
            return jid;
        }

        @Override
        public void deliver(CharSequence xml) {
            try {
                send(xml);
            } catch (TlsException e) {
                close();
            }
        }

        private void sasl(SaslStep step) throws TlsException {
            if (step instanceof SaslStep.NeedCredentials need) {
                step = sasl.credentials(credentials(SaslMechanisms.hashFor(sasl.name()), need.username()));
            }
            if (step instanceof SaslStep.Challenge c) {
                send("<challenge xmlns='" + Namespaces.SASL + "'>" + Base64.getEncoder().encodeToString(c.data())
                        + "</challenge>");
            } else if (step instanceof SaslStep.Success s) {
                String data = s.additionalData() == null ? "" : Base64.getEncoder().encodeToString(s.additionalData());
                send("<success xmlns='" + Namespaces.SASL + "'>" + data + "</success>");
                user = s.username();
                sasl = null;
                parser = new XmppStreamParser(64 * 1024);
            } else if (step instanceof SaslStep.Failure f) {
                send("<failure xmlns='" + Namespaces.SASL + "'><" + f.condition().elementName() + "/></failure>");
                sasl = null;
            }
        }

        private void iq(Element iq) throws TlsException {
            Element bind = iq.child("bind", Namespaces.BIND);
            String id = iq.attr("id");
            String type = iq.attr("type");
            if ("result".equals(type) || "error".equals(type)) return; // answers to our roster pushes
            Element mam = iq.child("query", "urn:xmpp:mam:2");
            if (jid != null && "set".equals(type) && mam != null) {
                archiveQuery(iq, mam);
                return;
            }
            if (bind != null && jid == null) {
                String resource = bind.childText("resource", Namespaces.BIND);
                jid = user + "@" + domain + "/" + (resource == null ? "r" + nextId++ : resource);
                Conn old = routes.get(jid);
                routes.put(jid, this);
                routes.put(bare(jid), this);
                rosters.bound(this);
                binds.incrementAndGet();
                send("<iq type='result' id='" + id + "'><bind xmlns='" + Namespaces.BIND + "'><jid>" + jid
                        + "</jid></bind></iq>");
                if (old != null && old.detached) takeHeld(old);
            } else if (jid != null && "get".equals(type) && iq.child("query", Namespaces.ROSTER) != null) {
                rosterGets.incrementAndGet();
                rosters.rosterGet(this, iq);
            } else {
                send("<iq type='result' id='" + id + "'/>");
            }
        }

        private void route(Element m) throws TlsException {
            String to = m.attr("to");
            Conn target = to == null ? null : routes.get(to);
            if (target == null) {
                send("<message type='error' from='" + to + "' to='" + jid + "'><error type='cancel'>"
                        + "<service-unavailable xmlns='" + Namespaces.STANZAS + "'/></error></message>");
                return;
            }
            StringBuilder sb = new StringBuilder(256);
            XmlWriter.write(m.withAttr("from", jid), Namespaces.CLIENT, sb);
            archive.computeIfAbsent(bare(to), k -> new java.util.ArrayList<>()).add(sb.toString());
            // A client with stream management is asked to acknowledge what it got.
            if (target.smHandled >= 0) sb.append("<r xmlns='urn:xmpp:sm:3'/>");
            if (target.detached) {
                held.incrementAndGet();
                target.heldHere.add(sb.toString());
                routed.incrementAndGet();
                return;
            }
            target.send(sb);
            routed.incrementAndGet();
        }

        void send(CharSequence s) throws TlsException {
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            write(codec == null ? b : codec.wrap(b, 0, b.length).netOut());
        }

        private void write(byte[] b) {
            if (b.length == 0 || !ch.isOpen()) return;
            out.add(ByteBuffer.wrap(b));
            flush();
        }

        void flush() {
            try {
                while (!out.isEmpty()) {
                    ch.write(out.peek());
                    if (out.peek().hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                        return;
                    }
                    out.poll();
                }
                if (key.isValid()) key.interestOps(SelectionKey.OP_READ);
            } catch (IOException e) {
                close();
            }
        }

        void close() {
            if (jid != null) {
                routes.remove(jid, this);
                routes.remove(bare(jid), this);
                rosters.closed(this);
                muc.closed(this);
            }
            key.cancel();
            try {
                ch.close();
            } catch (IOException ignored) {
                // closed either way
            }
        }
    }

    private static String bare(String jid) {
        int slash = jid.indexOf('/');
        return slash < 0 ? jid : jid.substring(0, slash);
    }
}
