package io.rookery.loadtest;

import io.rookery.loadtest.ScramClient.ScramException;
import io.rookery.protocol.xep.register.Register;
import io.rookery.protocol.xep.ping.Ping;
import io.rookery.protocol.sasl.ScramHash;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.XmppStreamException;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.ParserEvent;
import io.rookery.protocol.xml.XmlWriter;
import io.rookery.protocol.xml.XmppStreamParser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * One client connection and its login, as a state machine named after the RFC 6120 steps: stream header and
 * features (§4.3), STARTTLS (§5), SASL (§6), stream restart, resource binding (§7), optional session (RFC 3921 §3,
 * only when not marked optional), initial presence; then chat messages both ways. In a registration round
 * ({@code --create=ibr}) it registers instead of authenticating: XEP-0077 §3.1 form request, then the set with user
 * name and password, then it closes the stream.
 *
 * <p>{@link ContactSession} adds rosters and presence through the hooks {@link #afterBind}, {@link #onPresence},
 * {@link #onIq}, {@link #sweepOnline} and {@link #onRelease}; {@link MucSession} adds group chat through those and
 * {@link #onMessage}.
 *
 * <p>Runs on its {@link IoLoop}'s thread only. Between reads it keeps no buffer: the parser (whose aalto reader a
 * sweep frees while idle) and what {@link Connection} keeps for the socket.
 */
class Session extends Connection {
    enum State {
        CONNECTING, AWAIT_FEATURES, AWAIT_PROCEED, AWAIT_REGISTER_FORM, AWAIT_REGISTERED, AWAIT_SASL, AWAIT_BIND,
        AWAIT_SESSION, AWAIT_ROSTER, AWAIT_RESUMED, ONLINE, CLOSED
    }

    /** Largest element accepted from the server; the parser holds at most about this much. */
    private static final int MAX_STANZA_BYTES = 256 * 1024;
    static final String BODY_PREFIX = "lt1 ";
    private static final String SM = "urn:xmpp:sm:3";
    private static final String SM_REQUEST = "<r xmlns='" + SM + "'/>";
    private static final String MAM = "urn:xmpp:mam:2";
    private static final String RSM = "http://jabber.org/protocol/rsm";
    private static final String FORWARD = "urn:xmpp:forward:0";
    /** Archive results asked for per page, and at most this many pages per user (a server that never ends). */
    private static final int ARCHIVE_PAGE = 100;
    private static final int ARCHIVE_MAX_PAGES = 1_000;

    final int userIndex;
    private XmppStreamParser parser;
    private ScramClient scram;
    private State state = State.CONNECTING;
    private boolean authenticated;
    private boolean sessionRequired;
    private boolean readSinceSweep;
    private long startNanos;
    private long phaseNanos;
    /** The full JID the server bound; null before. */
    String jid;
    /** XEP-0198 (--sm=on), null without; with --reconnect=on it comes from the connection the server dropped. */
    private SmStream sm;
    /** This connection follows a drop (--reconnect=on): it resumes, or binds afresh; it is not a measured login. */
    private final boolean reconnection;
    /** --check-archive: when the page asked for was sent (0: none outstanding), and pages read so far. */
    private long archiveAskedAt;
    private int archivePages;

    /** Positions in the loop's lists, kept by the loop. */
    int slot = -1;
    int onlineSlot = -1;

    Session(IoLoop loop, int userIndex) {
        this(loop, userIndex, null);
    }

    /** A connection of the user whose stream {@code dropped} was on, when the server dropped it (--reconnect=on). */
    Session(IoLoop loop, int userIndex, SmStream dropped) {
        super(loop);
        this.userIndex = userIndex;
        this.sm = dropped;
        this.reconnection = dropped != null;
    }

    void connect(long now) {
        startNanos = now;
        phaseNanos = now;
        if (!reconnection) loop.metrics.loginStarted(now);
        // A connection after a drop goes to the next address: the node that dropped it may be gone.
        open(loop.engine.address(userIndex + (sm == null ? 0 : sm.connections++)));
    }

    @Override
    boolean ended() {
        return state == State.CLOSED;
    }

    @Override
    void connected() {
        endPhase(Metrics.Phase.CONNECT);
        openStream();
    }

    @Override
    void tlsEstablished() {
        endPhase(Metrics.Phase.TLS);
    }

    /** Sends our stream header on a fresh parser: at the start, after TLS and after SASL (RFC 6120 §4.3.3). */
    private void openStream() {
        parser = new XmppStreamParser(MAX_STANZA_BYTES);
        state = State.AWAIT_FEATURES;
        send(loop.engine.streamHeader);
    }

    @Override
    void received(byte[] bytes, int length) {
        readSinceSweep = true;
        XmppStreamParser p = parser;
        if (p == null || !p.needsInput()) return; // the stream has ended; nothing more is read from it
        p.feed(bytes, 0, length);
        drain(p);
    }

    /** Handles events until the parser wants input, or was replaced (a stream restart drops what follows). */
    private void drain(XmppStreamParser p) {
        try {
            ParserEvent ev;
            while (parser == p && (ev = p.next()) != null) {
                if (ev instanceof ParserEvent.ElementParsed e) {
                    onElement(e.element());
                } else if (ev instanceof ParserEvent.StreamClosed) {
                    fail("stream-closed-by-server", "in state " + state);
                }
            }
        } catch (XmppStreamException e) {
            fail("xml:" + e.condition().name().toLowerCase(Locale.ROOT).replace('_', '-'), e.getMessage());
        }
    }

    /** The server closed the connection without closing the stream first (that would have ended us already). */
    @Override
    void endOfInput() {
        fail("closed-by-server", "in state " + state);
    }

    private void onElement(Element e) {
        if (e.is("error", Namespaces.STREAM)) {
            Element cond = Replies.firstChildExcept(e, Namespaces.STREAMS_ERRORS);
            fail("stream-error:" + (cond == null ? "unknown" : cond.name()),
                    e.childText("text", Namespaces.STREAMS_ERRORS));
            return;
        }
        switch (state) {
            case AWAIT_FEATURES -> {
                if (e.is("features", Namespaces.STREAM)) {
                    onFeatures(e);
                } else {
                    unexpected(e);
                }
            }
            case AWAIT_PROCEED -> {
                if (e.is("proceed", Namespaces.TLS)) {
                    startTls();
                } else if (e.is("failure", Namespaces.TLS)) {
                    fail("tls:failure", null);
                } else {
                    unexpected(e);
                }
            }
            case AWAIT_REGISTER_FORM -> onRegisterForm(e);
            case AWAIT_REGISTERED -> onRegistered(e);
            case AWAIT_SASL -> onSasl(e);
            case AWAIT_BIND -> onBindResult(e);
            case AWAIT_SESSION -> onSessionResult(e);
            case AWAIT_ROSTER -> onRosterResult(e);
            case AWAIT_RESUMED -> onResumeAnswer(e);
            case ONLINE -> onStanza(e);
            default -> unexpected(e);
        }
    }

    private void onFeatures(Element features) {
        if (authenticated) {
            if (features.child("bind", Namespaces.BIND) == null) {
                fail("bind:not-offered", null);
                return;
            }
            Element session = features.child("session", Namespaces.SESSION);
            sessionRequired = session != null && session.child("optional", Namespaces.SESSION) == null;
            if (reconnection && sm.resumeId != null && !loop.options.rebindOnly && features.child("sm", SM) != null) {
                // XEP-0198 §5: resume the dropped stream, telling what we handled of it.
                StringBuilder sb = text().append("<resume xmlns='").append(SM).append("' previd='");
                XmlWriter.escapeAttr(sm.resumeId, sb);
                send(sb.append("' h='").append(sm.received & 0xFFFFFFFFL).append("'/>"));
                state = State.AWAIT_RESUMED;
            } else {
                sendBind();
            }
        } else if (loop.options.tls == Options.TlsMode.STARTTLS && !tlsActive()) {
            if (features.child("starttls", Namespaces.TLS) == null) {
                fail("tls:not-offered", null);
                return;
            }
            send(text().append("<starttls xmlns='").append(Namespaces.TLS).append("'/>"));
            state = State.AWAIT_PROCEED;
        } else if (loop.engine.round == Engine.Round.REGISTER) {
            startRegistration();
        } else {
            startAuth(features.child("mechanisms", Namespaces.SASL));
        }
    }

    private void sendBind() {
        StringBuilder sb = text();
        sb.append("<iq type='set' id='bind'><bind xmlns='").append(Namespaces.BIND).append("'><resource>");
        XmlWriter.escapeText(loop.engine.resource, sb);
        send(sb.append("</resource></bind></iq>"));
        state = State.AWAIT_BIND;
    }

    /**
     * XEP-0198 §5: resumed, the messages past the server's count are written again and the session is online as it
     * was (presence and all); refused, it binds afresh and, once online, writes again every message never
     * acknowledged, as Smack does. A {@code <failed/>} may carry the server's count of the old stream (§5).
     */
    private void onResumeAnswer(Element e) {
        long now = System.nanoTime();
        if (e.is("resumed", SM) || e.is("failed", SM)) {
            String h = e.attr("h");
            if (h != null) {
                try {
                    sm.acknowledged(Long.parseLong(h), loop.metrics, now);
                } catch (NumberFormatException ex) {
                    fail("sm:bad-count", e.toString());
                    return;
                }
            } else if (e.is("resumed", SM)) {
                fail("sm:resumed-without-count", e.toString());
                return;
            }
        }
        if (e.is("resumed", SM)) {
            jid = sm.jid;
            sm.enabled = true;
            sm.sent = Long.parseLong(e.attr("h"));
            state = State.ONLINE;
            loop.sessionOnline(this);
            loop.metrics.backOnline(true, sm.droppedAt, now);
            sm.droppedAt = 0;
            sm.attempts = 0;
            resendUnacked();
        } else if (e.is("failed", SM)) {
            Element cond = Replies.firstChildExcept(e, Namespaces.STANZAS);
            loop.metrics.resumeRefused(cond == null ? "none" : cond.name());
            sm.resumeId = null;
            sendBind();
        } else {
            unexpected(e);
        }
    }

    /** Writes again, numbered afresh, every message the server has not acknowledged; then asks for an ack. */
    private void resendUnacked() {
        if (sm.unacked.isEmpty()) return;
        StringBuilder sb = text();
        for (SmStream.Unacked u : sm.unacked) {
            u.count = ++sm.sent;
            chat(sb, u.to, u.seq, u.sentNanos, u.lateNanos);
            loop.metrics.resent.increment();
        }
        send(sb.append(SM_REQUEST));
    }

    // ---- XEP-0077 §3.1 in-band registration, before authentication ------------------------------------------

    /** Asks for the registration form first, as §3.1 says a client should; the answer tells whether IBR is on. */
    private void startRegistration() {
        send(text().append("<iq type='get' id='reg1'><query xmlns='").append(Register.NS).append("'/></iq>"));
        state = State.AWAIT_REGISTER_FORM;
    }

    /** Sends user name and password whatever else the form asks for; a server that needs more says so. */
    private void onRegisterForm(Element iq) {
        if (!iq.is("iq", null) || !"reg1".equals(iq.attr("id"))) {
            unexpected(iq);
        } else if (!"result".equals(iq.attr("type"))) {
            fail("register:" + Replies.stanzaErrorCondition(iq), Replies.errorText(iq));
        } else {
            StringBuilder sb = text().append("<iq type='set' id='reg2'><query xmlns='").append(Register.NS)
                    .append("'><username>");
            XmlWriter.escapeText(loop.options.userName(userIndex), sb);
            sb.append("</username><password>");
            XmlWriter.escapeText(loop.options.password, sb);
            send(sb.append("</password></query></iq>"));
            state = State.AWAIT_REGISTERED;
        }
    }

    /** A result is a new account, conflict an existing one (§3.1); both end the stream. */
    private void onRegistered(Element iq) {
        if (!iq.is("iq", null) || !"reg2".equals(iq.attr("id"))) {
            unexpected(iq);
            return;
        }
        boolean created = "result".equals(iq.attr("type"));
        String condition = created ? null : Replies.stanzaErrorCondition(iq);
        if (!created && !"conflict".equals(condition)) {
            // Never the stanza itself: an error reply may carry our query back, password included.
            fail("register:" + condition, Replies.errorText(iq));
            return;
        }
        long now = System.nanoTime();
        loop.metrics.phaseDone(Metrics.Phase.TOTAL, now - startNanos);
        loop.metrics.registered(created);
        loop.loginEnded();
        send(text().append("</stream:stream>"));
        closeTls();
        release();
    }

    private void startTls() {
        startTls(loop.engine.newClientEngine());
        openStream(); // the header waits inside the codec until the handshake is done; the ClientHello goes now
    }

    private void startAuth(Element mechanisms) {
        String mechanism = loop.options.mechanism;
        boolean offered = false;
        if (mechanisms != null) {
            for (Element m : mechanisms.children("mechanism", Namespaces.SASL)) {
                offered |= m.text().trim().equals(mechanism);
            }
        }
        if (!offered) {
            fail("sasl:mechanism-not-offered", mechanisms == null ? "no mechanisms" : mechanisms.toString());
            return;
        }
        String user = loop.options.userName(userIndex);
        byte[] initial;
        ScramHash hash = loop.options.scramHash();
        try {
            if (hash == null) {
                initial = ("\0" + user + "\0" + loop.options.password).getBytes(StandardCharsets.UTF_8);
            } else {
                scram = new ScramClient(hash, user, loop.options.password, loop.nonce(), loop.options.scramCache);
                initial = scram.clientFirst();
            }
        } catch (IllegalArgumentException e) {
            fail("sasl:bad-username-or-password", e.getMessage()); // refused by SASLprep
            return;
        }
        StringBuilder sb = text();
        sb.append("<auth xmlns='").append(Namespaces.SASL).append("' mechanism='").append(mechanism).append("'>");
        send(sb.append(Base64.getEncoder().encodeToString(initial)).append("</auth>"));
        state = State.AWAIT_SASL;
    }

    private void onSasl(Element e) {
        if (!Namespaces.SASL.equals(e.namespace())) {
            unexpected(e);
            return;
        }
        byte[] data = Replies.saslData(e);
        switch (e.name()) {
            case "challenge" -> {
                if (scram == null || data == null) {
                    fail("sasl:unexpected-challenge", e.toString());
                } else if (!scram.finalSent()) {
                    try {
                        byte[] reply = scram.clientFinal(data);
                        send(text().append("<response xmlns='").append(Namespaces.SASL).append("'>")
                                .append(Base64.getEncoder().encodeToString(reply)).append("</response>"));
                    } catch (ScramException ex) {
                        fail("sasl:bad-server-first-message", ex.getMessage());
                    }
                } else if (scram.verifyServerFinal(data)) {
                    // COMPAT: servers that send the server-final-message in a challenge and an empty success.
                    send(text().append("<response xmlns='").append(Namespaces.SASL).append("'/>"));
                } else {
                    fail("sasl:bad-server-signature", null);
                }
            }
            case "success" -> {
                if (scram != null && !scram.verified() && (data == null || !scram.verifyServerFinal(data))) {
                    fail("sasl:bad-server-signature", null);
                    return;
                }
                scram = null;
                authenticated = true;
                endPhase(Metrics.Phase.AUTH);
                openStream();
            }
            case "failure" -> {
                Element cond = Replies.firstChildExcept(e, Namespaces.SASL);
                fail("sasl:" + (cond == null ? "unknown" : cond.name()), e.childText("text", Namespaces.SASL));
            }
            default -> unexpected(e);
        }
    }

    private void onBindResult(Element iq) {
        if (!iq.is("iq", null) || !"bind".equals(iq.attr("id"))) {
            unexpected(iq);
        } else if ("result".equals(iq.attr("type"))) {
            Element bind = iq.child("bind", Namespaces.BIND);
            String bound = bind == null ? null : bind.childText("jid", Namespaces.BIND);
            if (bound == null || bound.isBlank()) {
                fail("bind:no-jid", iq.toString());
                return;
            }
            jid = bound.trim();
            if (sessionRequired) {
                send(text().append("<iq type='set' id='sess'><session xmlns='").append(Namespaces.SESSION)
                        .append("'/></iq>"));
                state = State.AWAIT_SESSION;
            } else {
                rosterThenOnline();
            }
        } else {
            fail("bind:" + Replies.stanzaErrorCondition(iq), iq.toString());
        }
    }

    private void onSessionResult(Element iq) {
        if (!iq.is("iq", null) || !"sess".equals(iq.attr("id"))) {
            unexpected(iq);
        } else if ("result".equals(iq.attr("type"))) {
            rosterThenOnline();
        } else {
            fail("session:" + Replies.stanzaErrorCondition(iq), iq.toString());
        }
    }

    /** With --roster=on, the roster first (RFC 6121 §2.2: a client asks for it before its initial presence). */
    private void rosterThenOnline() {
        if (!loop.options.roster) {
            online();
            return;
        }
        send(text().append("<iq type='get' id='roster'><query xmlns='").append(Namespaces.ROSTER)
                .append("'/></iq>"));
        state = State.AWAIT_ROSTER;
    }

    private void onRosterResult(Element e) {
        if (!e.is("iq", null) || !"roster".equals(e.attr("id"))) {
            // Anything else meanwhile (a request to answer, a presence) is handled as when online.
            onStanza(e);
        } else if ("result".equals(e.attr("type"))) {
            online();
        } else {
            fail("roster:" + Replies.stanzaErrorCondition(e), e.toString());
        }
    }

    private void online() {
        afterBind();
        if (state == State.CLOSED) return;
        state = State.ONLINE;
        long now = System.nanoTime();
        if (reconnection) {
            loop.metrics.backOnline(false, sm.droppedAt, now);
            sm.droppedAt = 0;
            sm.attempts = 0;
        } else {
            loop.metrics.phaseDone(Metrics.Phase.BIND, now - phaseNanos);
            loop.metrics.loginOk(startNanos, now);
            loop.loginEnded();
        }
        loop.sessionOnline(this);
        if (loop.options.sm && state == State.ONLINE) {
            // Once online, as the count starts here on both sides: what we send from now on is counted.
            if (sm == null) {
                sm = new SmStream();
                sm.connections = 1;
            }
            sm.restart();
            sm.jid = jid;
            send(text().append("<enable xmlns='").append(SM)
                    .append(loop.options.smResume ? "' resume='true'/>" : "'/>"));
            if (reconnection) resendUnacked();
        }
    }

    /** What a client sends once bound, before it counts as online: initial presence when --presence=on. */
    void afterBind() {
        if (loop.options.presence) send(text().append("<presence/>"));
    }

    boolean isOnline() {
        return state == State.ONLINE;
    }

    private void onStanza(Element e) {
        if (sm != null && SM.equals(e.namespace())) {
            onSm(e);
            return;
        }
        if (sm != null && sm.enabled) sm.received++;
        switch (e.name()) {
            case "message" -> onMessage(e);
            case "iq" -> onIq(e);
            case "presence" -> onPresence(e);
            default -> { }
        }
    }

    /** XEP-0198: enabled, the server's requests, its acknowledgements of our chat messages. */
    private void onSm(Element e) {
        switch (e.name()) {
            case "enabled" -> {
                sm.enabled = true;
                String resume = e.attr("resume");
                if ("true".equals(resume) || "1".equals(resume)) sm.resumeId = e.attr("id");
            }
            case "failed" -> fail("sm:failed", e.toString());
            case "r" -> send(text().append("<a xmlns='").append(SM).append("' h='").append(sm.received & 0xFFFFFFFFL)
                    .append("'/>"));
            case "a" -> {
                long h;
                try {
                    h = Long.parseLong(e.attr("h"));
                } catch (NumberFormatException | NullPointerException ex) {
                    fail("sm:bad-ack", e.toString());
                    return;
                }
                sm.acknowledged(h, loop.metrics, System.nanoTime());
            }
            default -> { }
        }
    }

    /** A presence while online; here ours reflected or others', nothing to measure. */
    void onPresence(Element presence) {
    }

    /**
     * An iq while online: requests are answered, results and errors to our own requests ignored (but the archive
     * pages of --check-archive).
     */
    void onIq(Element iq) {
        String type = iq.attr("type");
        if (archiveAskedAt != 0 && "mam".equals(iq.attr("id")) && ("result".equals(type) || "error".equals(type))) {
            onArchivePage(iq);
        } else {
            answerIq(iq);
        }
    }

    // ---- --check-archive: XEP-0313 §4 query, paged forward with XEP-0059 until fin says complete ---------------

    /** Asks for the next page of our own archive (the first when after is null); false when not online. */
    boolean queryArchive(String after) {
        if (state != State.ONLINE) return false;
        StringBuilder sb = text().append("<iq type='set' id='mam'><query xmlns='").append(MAM)
                .append("'><set xmlns='").append(RSM).append("'><max>").append(ARCHIVE_PAGE).append("</max>");
        if (after != null) {
            sb.append("<after>");
            XmlWriter.escapeText(after, sb);
            sb.append("</after>");
        }
        if (sm != null) sm.sent++;
        archiveAskedAt = System.nanoTime();
        archivePages++;
        send(sb.append("</set></query></iq>"));
        return true;
    }

    private void onArchivePage(Element iq) {
        archiveAskedAt = 0;
        if ("error".equals(iq.attr("type"))) {
            archiveFailed("archive:" + Replies.stanzaErrorCondition(iq), Replies.errorText(iq));
            return;
        }
        Element fin = iq.child("fin", MAM);
        if (fin == null) {
            archiveFailed("archive:no-fin", iq.toString());
            return;
        }
        Element set = fin.child("set", RSM);
        String last = set == null ? null : set.childText("last", RSM);
        String complete = fin.attr("complete");
        if ("true".equals(complete) || "1".equals(complete) || last == null) {
            loop.metrics.archiveRead.increment();
            loop.archiveEnded();
        } else if (archivePages >= ARCHIVE_MAX_PAGES) {
            archiveFailed("archive:too-many-pages", null);
        } else if (!queryArchive(last)) {
            archiveFailed("archive:session-ended", null);
        }
    }

    private void archiveFailed(String kind, String detail) {
        archiveAskedAt = 0;
        loop.archiveEnded();
        loop.metrics.archiveFailed.increment();
        loop.metrics.stepFailed(kind, detail);
    }

    /** An archived message of ours sent to us (XEP-0313 §4.2: a result wraps it in a forwarded element). */
    private void onArchived(Element result) {
        Element forwarded = result.child("forwarded", FORWARD);
        Element m = forwarded == null ? null : forwarded.child("message", null);
        if (m == null || jid == null) return;
        String to = m.attr("to");
        int slash = jid.indexOf('/');
        String bare = slash < 0 ? jid : jid.substring(0, slash);
        if (to == null || !(to.equals(bare) || to.startsWith(bare + "/"))) return; // one we sent
        String body = m.childText("body", null);
        long[] parsed = body == null ? null : parseBody(body);
        if (parsed != null) loop.metrics.archived(parsed[0]);
    }

    /** A message while online: ours timed, bounces of ours counted; {@link MucSession} adds groupchat. */
    void onMessage(Element m) {
        Element result = archiveAskedAt != 0 ? m.child("result", MAM) : null;
        if (result != null) {
            onArchived(result);
            return;
        }
        if ("error".equals(m.attr("type"))) {
            String body = m.childText("body", null);
            if (body == null || body.startsWith(BODY_PREFIX)) {
                loop.metrics.messageBounced(Replies.stanzaErrorCondition(m));
            }
            return;
        }
        String body = m.childText("body", null);
        if (body == null || !body.startsWith(BODY_PREFIX)) return;
        long now = System.nanoTime();
        long[] parsed = parseBody(body);
        if (parsed != null) loop.metrics.messageReceived(parsed[0], parsed[1], parsed[2], now);
    }

    /** {@code lt1 SEQ NANOTIME [LATENANOS [padding]]} as seq, sent, late; null when not one of ours. */
    static long[] parseBody(String body) {
        if (!body.startsWith(BODY_PREFIX)) return null;
        int sp = body.indexOf(' ', BODY_PREFIX.length());
        if (sp < 0) return null;
        int end = body.indexOf(' ', sp + 1);
        try {
            long seq = Long.parseLong(body, BODY_PREFIX.length(), sp, 10);
            long sentNanos = Long.parseLong(body, sp + 1, end < 0 ? body.length() : end, 10);
            long lateNanos = 0;
            if (end > 0 && end + 1 < body.length() && Character.isDigit(body.charAt(end + 1))) {
                int lateEnd = body.indexOf(' ', end + 1);
                lateNanos = Long.parseLong(body, end + 1, lateEnd < 0 ? body.length() : lateEnd, 10);
            }
            return seq < 0 ? null : new long[] {seq, sentNanos, lateNanos};
        } catch (NumberFormatException notOurs) {
            return null;
        }
    }

    /** Answers ping (XEP-0199) and refuses any other request, as RFC 6120 §8.2.3 asks of every client. */
    final void answerIq(Element iq) {
        String type = iq.attr("type");
        if (!"get".equals(type) && !"set".equals(type)) return;
        StringBuilder sb = text().append("<iq id='");
        XmlWriter.escapeAttr(iq.attr("id") == null ? "" : iq.attr("id"), sb);
        sb.append('\'');
        if (iq.attr("from") != null) {
            sb.append(" to='");
            XmlWriter.escapeAttr(iq.attr("from"), sb);
            sb.append('\'');
        }
        Element child = iq.elements().isEmpty() ? null : iq.elements().get(0);
        boolean ping = "get".equals(type) && child != null && child.is("ping", Ping.NS);
        if (sm != null) sm.sent++;
        if (ping) {
            send(sb.append(" type='result'/>"));
        } else {
            send(sb.append(" type='error'><error type='cancel'><service-unavailable xmlns='")
                    .append(Namespaces.STANZAS).append("'/></error></iq>"));
        }
    }

    /**
     * A chat message to {@code to} carrying seq, the send time and how late the send is against dueNanos, the time
     * the pacer meant it to leave (read by whichever session receives it): {@code lt1 SEQ NANOTIME LATENANOS}.
     */
    void sendChat(String to, long seq, long dueNanos) {
        if (state != State.ONLINE) return;
        long now = System.nanoTime();
        long late = Math.max(0, now - dueNanos);
        StringBuilder sb = text();
        chat(sb, to, seq, now, late);
        if (sm != null) {
            // Counted by the server as its sent count; acknowledged through the request that follows it.
            sm.unacked.addLast(new SmStream.Unacked(++sm.sent, seq, to, now, late));
            sb.append(SM_REQUEST);
        }
        send(sb);
        // With --reconnect a write that fails is written again on the next connection: it was sent all the same.
        if (state == State.ONLINE || (reconnectsAfterDrop())) loop.metrics.messageSent();
    }

    /** Appends the chat message; its id is m + seq, so that the same message written again has the same id. */
    private void chat(StringBuilder sb, String to, long seq, long sentNanos, long lateNanos) {
        sb.append("<message type='chat' to='");
        XmlWriter.escapeAttr(to, sb);
        sb.append("' id='m").append(seq).append("'><body>").append(BODY_PREFIX).append(seq).append(' ');
        sb.append(sentNanos).append(' ').append(lateNanos);
        int pad = loop.options.bodySize;
        if (pad > 0) {
            sb.append(' ');
            for (int i = 0; i < pad; i++) sb.append((char) ('a' + i % 26));
        }
        sb.append("</body></message>");
    }

    /** Whether a drop of this session is followed by another connection (--reconnect=on, before the end). */
    private boolean reconnectsAfterDrop() {
        return loop.options.reconnect && sm != null && !loop.closing();
    }

    /** Every 250 ms from the loop: login timeout, and freeing the parser's reader while a session is idle. */
    void sweep(long now) {
        if (state == State.ONLINE) {
            if (!readSinceSweep) parser.compact();
            readSinceSweep = false;
            if (archiveAskedAt != 0 && now - archiveAskedAt > loop.loginTimeoutNanos) {
                archiveFailed("archive:timeout", null);
            }
            sweepOnline(now);
        } else if (state != State.CLOSED && now - startNanos > loop.loginTimeoutNanos) {
            String what = loop.engine.round == Engine.Round.REGISTER ? "register-timeout:" : "login-timeout:";
            fail(what + state.name().toLowerCase(Locale.ROOT).replace('_', '-'), null);
        }
    }

    /** Every sweep while online: time limits of what follows the login. */
    void sweepOnline(long now) {
    }

    /** The run is over: online sessions close their stream, logins still in progress count as unfinished. */
    void closeAtEnd() {
        if (state == State.CLOSED) return;
        if (state == State.ONLINE) {
            send(text().append("</stream:stream>"));
            closeTls();
            if (state != State.CLOSED) loop.metrics.sessionClosed();
        } else if (reconnection) {
            loop.metrics.reconnectFailed("unfinished-at-end:" + state.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    null, true);
        } else {
            loop.metrics.loginFailed("unfinished-at-end:" + state.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    null);
            loop.loginEnded();
        }
        release();
    }

    /** The loop is going away: close without counting anything. */
    void abort() {
        if (state != State.CLOSED) release();
    }

    /** Ends the session with a failure of this kind: a failed login before it was online, a drop after. */
    @Override
    void fail(String kind, String detail) {
        if (state == State.CLOSED) return;
        if (detail != null) detail = detail.replace(loop.options.password, "(password)");
        boolean again = reconnectsAfterDrop();
        if (state == State.ONLINE) {
            if (again) {
                loop.metrics.disconnected(kind, detail);
                sm.droppedAt = System.nanoTime();
                sm.attempts = 0;
            } else {
                loop.metrics.sessionDropped(kind, detail);
            }
        } else if (reconnection) {
            again &= sm.attempts < loop.options.reconnectAttempts;
            loop.metrics.reconnectFailed(kind, detail, !again);
        } else {
            again = false;
            loop.metrics.loginFailed(kind, detail);
            loop.loginEnded();
        }
        boolean archivePending = archiveAskedAt != 0;
        release();
        if (archivePending) archiveFailed("archive:session-ended", kind);
        if (again) loop.reconnectLater(userIndex, sm);
    }

    private void release() {
        state = State.CLOSED;
        loop.remove(this);
        closeChannel();
        parser = null;
        scram = null;
        onRelease();
    }

    /** The session has ended, whichever way. */
    void onRelease() {
    }

    final void send(CharSequence xml) {
        send(xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void endPhase(Metrics.Phase phase) {
        long now = System.nanoTime();
        if (!reconnection) loop.metrics.phaseDone(phase, now - phaseNanos);
        phaseNanos = now;
    }

    private void unexpected(Element e) {
        fail("protocol:unexpected-" + e.name() + "-in-" + state.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                e.toString());
    }

    final StringBuilder text() {
        StringBuilder sb = loop.text;
        sb.setLength(0);
        return sb;
    }
}
