package io.rookery.protocol.tls;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One TLS connection as a synchronous codec: network bytes in, plaintext and replies out, and back. Not thread-safe:
 * the connection stage calls it from one thread at a time.
 *
 * <p>Idle cost is the engine plus two nullable arrays: the 16 KiB working buffers are borrowed from the
 * {@link TlsBufferPool} for each call and returned before it ends; between calls only a partial TLS record (exactly
 * its size) and plaintext written before the handshake finished survive.
 *
 * <p>The handshake starts with the first call: a server codec on the first network bytes (so STARTTLS can switch to
 * it mid-stream), a client codec on its first {@link #wrap} (which may wrap zero bytes to send the ClientHello).
 *
 * <p>Delegated tasks ({@link SSLEngine#getDelegatedTask()}) run inline: they are short CPU work (key exchange,
 * certificate checks) that would run on some thread anyway, and handing them off would make the stage wait for
 * another thread in the middle of a handshake.
 */
public final class TlsCodec {
    static final byte[] EMPTY = new byte[0];
    /** Plaintext accepted before the handshake finishes; XMPP writes a stream header there, nothing large. */
    static final int MAX_PENDING = 64 * 1024;
    private static final int RECORD_HEADER = 5;

    private final SSLEngine engine;
    private final TlsBufferPool pool;
    /** The start of a TLS record whose rest has not arrived; null when none. */
    private byte[] leftover;
    /** Plaintext written before the handshake finished (or during a renegotiation); null when none. */
    private byte[] pending;
    private boolean begun;
    private boolean handshakeDone;
    private boolean inboundClosed;
    private boolean failed;

    /**
     * What a call produced.
     *
     * @param appOut            plaintext from the peer, possibly empty
     * @param netOut            bytes to write to the peer (handshake messages, records, alerts), possibly empty
     * @param handshakeFinished the initial handshake finished during this call (true once per codec)
     * @param inboundClosed     the peer has sent close_notify (this call or earlier); the peer sends nothing more
     */
    public record Result(byte[] appOut, byte[] netOut, boolean handshakeFinished, boolean inboundClosed) {}

    /** @param engine in client or server mode as the caller configured it, handshake not begun */
    public TlsCodec(SSLEngine engine, TlsBufferPool pool) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** Feeds bytes read from the network; any chunking is fine (partial, several or split records). */
    public Result unwrap(byte[] netBytes, int off, int len) throws TlsException {
        Objects.checkFromIndexSize(off, len, netBytes.length);
        checkUsable();
        if (inboundClosed) return new Result(EMPTY, EMPTY, false, true); // nothing is valid after close_notify
        if (leftover != null && appendIfStillPartial(netBytes, off, len)) return new Result(EMPTY, EMPTY, false, false);
        Call c = new Call();
        try {
            begin();
            handshake(c);
            int pos = off;
            int end = off + len;
            if (leftover != null) pos = unwrapStaged(c, netBytes, pos, end);
            if (leftover == null && pos < end && !inboundClosed) {
                ByteBuffer src = ByteBuffer.wrap(netBytes, pos, end - pos);
                unwrapAll(c, src);
                if (src.hasRemaining() && !inboundClosed) leftover = copy(src);
            }
            flushPending(c);
            return c.result();
        } catch (SSLException e) {
            throw fail(c, e);
        } finally {
            c.release();
        }
    }

    /**
     * Encrypts plaintext for the peer. Before the handshake has finished the plaintext is kept (up to 64 KiB) and sent
     * in the {@code netOut} of the call that finishes it. Writing after {@link #closeOutbound()} fails the codec.
     */
    public Result wrap(byte[] appBytes, int off, int len) throws TlsException {
        Objects.checkFromIndexSize(off, len, appBytes.length);
        checkUsable();
        Call c = new Call();
        try {
            begin();
            handshake(c);
            ByteBuffer src = ByteBuffer.wrap(appBytes, off, len);
            if (!handshakeDone || pending != null) {
                stash(src);
                flushPending(c);
            } else {
                wrapApp(c, src);
            }
            return c.result();
        } catch (SSLException e) {
            throw fail(c, e);
        } finally {
            c.release();
        }
    }

    /** Produces close_notify (and drops unsent pending plaintext). Harmless to call twice or after a failure. */
    public Result closeOutbound() throws TlsException {
        if (failed) return new Result(EMPTY, EMPTY, false, inboundClosed);
        Call c = new Call();
        try {
            pending = null;
            engine.closeOutbound();
            handshake(c);
            return c.result();
        } catch (SSLException e) {
            throw fail(c, e);
        } finally {
            c.release();
        }
    }

    public boolean handshakeComplete() { return handshakeDone; }

    /** The side this codec plays: a client starts the handshake on its first {@link #wrap}. */
    public boolean clientMode() { return engine.getUseClientMode(); }

    public SSLSession session() { return engine.getSession(); }

    /**
     * RFC 5929 tls-server-end-point channel binding: the server certificate (ours in server mode, the peer's in client
     * mode) hashed with its signature's hash, SHA-256 for MD5 and SHA-1. Null before the handshake finished or when the
     * certificate's signature names no single hash (e.g. Ed25519), so that -PLUS is then not offered.
     */
    public byte[] tlsServerEndPoint() {
        if (!handshakeDone) return null;
        SSLSession s = engine.getSession();
        try {
            Certificate[] chain = engine.getUseClientMode() ? s.getPeerCertificates() : s.getLocalCertificates();
            if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) return null;
            return ServerEndPoint.of(cert);
        } catch (SSLPeerUnverifiedException | GeneralSecurityException e) {
            return null;
        }
    }

    /** Bytes this codec keeps between calls (partial record plus pending plaintext); for tests. */
    int retainedBytes() {
        return (leftover == null ? 0 : leftover.length) + (pending == null ? 0 : pending.length);
    }

    private void begin() throws SSLException {
        if (!begun) {
            begun = true;
            engine.beginHandshake();
        }
    }

    /**
     * When the new bytes still do not complete the record in {@link #leftover}, appends them without borrowing buffers
     * or calling the engine (a peer trickling bytes then costs copies, not decryption attempts).
     */
    private boolean appendIfStillPartial(byte[] b, int off, int len) {
        byte[] l = leftover;
        int have = l.length + len;
        if (have >= RECORD_HEADER) {
            int type = at(l, b, off, 0);
            if (type < 20 || type > 24) return false; // not a TLS record: let the engine say what is wrong
            int recordLength = RECORD_HEADER + ((at(l, b, off, 3) << 8) | at(l, b, off, 4));
            if (recordLength > pool.bufferSize() || have >= recordLength) return false;
        }
        byte[] joined = Arrays.copyOf(l, have);
        System.arraycopy(b, off, joined, l.length, len);
        leftover = joined;
        return true;
    }

    private static int at(byte[] l, byte[] b, int off, int i) {
        return (i < l.length ? l[i] : b[off + i - l.length]) & 0xff;
    }

    /** Unwraps the leftover joined with new bytes in a borrowed buffer; returns how far into {@code b} it got. */
    private int unwrapStaged(Call c, byte[] b, int pos, int end) throws SSLException, TlsException {
        ByteBuffer in = c.stage = pool.acquire(leftover.length);
        in.put(leftover);
        leftover = null;
        while (true) {
            int n = Math.min(in.remaining(), end - pos);
            in.put(b, pos, n);
            pos += n;
            in.flip();
            unwrapAll(c, in);
            if (inboundClosed) return end;
            if (!in.hasRemaining()) return pos; // the rest of b starts on a record boundary
            if (pos == end) {
                leftover = copy(in);
                return pos;
            }
            if (in.remaining() == in.capacity()) {
                // One record fills the buffer: the session allows larger records than the pool's buffers hold.
                int need = engine.getSession().getPacketBufferSize();
                if (need <= in.capacity()) throw new SSLException("TLS record larger than the packet buffer");
                ByteBuffer bigger = ByteBuffer.allocate(need);
                bigger.put(in);
                pool.release(c.stage);
                c.stage = in = bigger;
            } else {
                in.compact();
            }
        }
    }

    /** Unwraps until {@code src} is empty, holds only part of a record, or the peer has closed. */
    private void unwrapAll(Call c, ByteBuffer src) throws SSLException, TlsException {
        while (src.hasRemaining() && !inboundClosed) {
            SSLEngineResult r = engine.unwrap(src, c.appBuf());
            c.app.drain(c.appBuf);
            noteFinished(c, r);
            if (renegotiating(r)) throw refuseRenegotiation(c);
            Status status = r.getStatus();
            if (status == Status.BUFFER_UNDERFLOW) return;
            if (status == Status.BUFFER_OVERFLOW) {
                c.growApp();
                continue;
            }
            if (status == Status.CLOSED) inboundClosed = true;
            boolean worked = handshake(c);
            if (r.bytesConsumed() == 0 && !worked && !inboundClosed) {
                throw new SSLException("TLS engine consumed nothing in state " + r.getHandshakeStatus());
            }
        }
    }

    /** Runs delegated tasks and sends whatever the engine wants to send; true if there was anything to do. */
    private boolean handshake(Call c) throws SSLException {
        boolean worked = false;
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) task.run();
            } else if (hs == HandshakeStatus.NEED_WRAP) {
                SSLEngineResult r = wrapOnce(c, ByteBuffer.wrap(EMPTY));
                if (r.bytesProduced() == 0) {
                    if (r.getStatus() == Status.CLOSED) return true;
                    if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        throw new SSLException("TLS engine wants to send but produced nothing");
                    }
                }
            } else {
                return worked;
            }
            worked = true;
        }
    }

    private SSLEngineResult wrapOnce(Call c, ByteBuffer src) throws SSLException {
        while (true) {
            SSLEngineResult r = engine.wrap(src, c.netBuf());
            c.net.drain(c.netBuf);
            noteFinished(c, r);
            if (r.getStatus() != Status.BUFFER_OVERFLOW) return r;
            c.growNet();
        }
    }

    private void wrapApp(Call c, ByteBuffer src) throws SSLException, TlsException {
        while (src.hasRemaining()) {
            SSLEngineResult r = wrapOnce(c, src);
            if (r.getStatus() == Status.CLOSED) throw new SSLException("TLS output already closed");
            boolean worked = handshake(c);
            if (r.bytesConsumed() == 0 && src.hasRemaining()) {
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                    stash(src); // a renegotiation holds application data until the peer answers
                    return;
                }
                if (!worked) throw new SSLException("TLS engine consumed nothing in state " + r.getHandshakeStatus());
            }
        }
    }

    private void flushPending(Call c) throws SSLException, TlsException {
        if (pending == null || !handshakeDone || engine.isOutboundDone()) return;
        if (engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) return;
        ByteBuffer src = ByteBuffer.wrap(pending);
        pending = null;
        wrapApp(c, src);
    }

    private void stash(ByteBuffer src) throws TlsException {
        int n = src.remaining();
        if (n == 0) return;
        int have = pending == null ? 0 : pending.length;
        if (have + n > MAX_PENDING) {
            failed = true;
            throw new TlsException("more than " + MAX_PENDING + " bytes written before the TLS handshake finished",
                    null, EMPTY);
        }
        byte[] p = pending == null ? new byte[n] : Arrays.copyOf(pending, have + n);
        src.get(p, have, n);
        pending = p;
    }

    private void noteFinished(Call c, SSLEngineResult r) {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeDone) {
            handshakeDone = true;
            c.finished = true;
        }
    }

    /**
     * Whether the record just unwrapped starts a second handshake. On TLS 1.2 anything that puts the engine back into
     * handshaking after the first handshake finished is a renegotiation (a ClientHello to a server, a HelloRequest to
     * a client) except the peer's close_notify, after which the engine wants to send its own. TLS 1.3 has no
     * renegotiation, and its post-handshake messages (tickets, KeyUpdate) are left to the engine. Checked before
     * {@link #handshake} runs the engine's delegated task, which is where the new hello would be processed and
     * answered, so a refused renegotiation costs no key exchange.
     */
    private boolean renegotiating(SSLEngineResult r) {
        // Every record after the handshake passes here: the result's own status settles almost all of them.
        if (!handshakeDone || r.getHandshakeStatus() == HandshakeStatus.FINISHED
                || r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
            return false;
        }
        if (r.getStatus() == Status.CLOSED || engine.isInboundDone()) return false;
        if (engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) return false;
        return !"TLSv1.3".equals(engine.getSession().getProtocol());
    }

    /**
     * Ends the session over a renegotiation attempt. Each renegotiation is a full handshake (key exchange, signature)
     * the server pays for, one connection could ask for them without end, and XMPP needs none: Rookery never asks for
     * client certificates. The JDK offers only a JVM-wide switch for this ({@code
     * jdk.tls.rejectClientInitiatedRenegotiation}, read once), so the codec refuses on its own. The peer gets a
     * close_notify, wrapped without running the engine's pending task, so the new hello is never answered.
     */
    private TlsException refuseRenegotiation(Call c) {
        failed = true;
        leftover = null;
        pending = null;
        return new TlsException(TlsException.Kind.RENEGOTIATION_REFUSED, "TLS renegotiation refused", null,
                closeNotify(c));
    }

    /** This call's output plus a close_notify; only what was produced before, if the engine will not give one. */
    private byte[] closeNotify(Call c) {
        try {
            engine.closeOutbound();
            wrapOnce(c, ByteBuffer.wrap(EMPTY));
        } catch (SSLException | RuntimeException e) {
            // The close_notify is a courtesy; the caller closes the connection either way.
        }
        return c.net.toArray();
    }

    private void checkUsable() throws TlsException {
        if (failed) throw new TlsException("TLS session already failed", null, EMPTY);
    }

    /** Marks the codec dead and collects what this call produced so far plus the engine's alert, if any. */
    private TlsException fail(Call c, SSLException e) {
        failed = true;
        leftover = null;
        pending = null;
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                if (wrapOnce(c, ByteBuffer.wrap(EMPTY)).bytesProduced() == 0) break;
            }
        } catch (SSLException | RuntimeException alertFailed) {
            e.addSuppressed(alertFailed); // the alert is a courtesy; the caller closes either way
        }
        return new TlsException(e.getMessage(), e, c.net.toArray());
    }

    private static byte[] copy(ByteBuffer src) {
        byte[] out = new byte[src.remaining()];
        src.get(out);
        return out;
    }

    /** Borrowed buffers and output of one call; nothing in it outlives the call. */
    private final class Call {
        final ByteSink app = new ByteSink();
        final ByteSink net = new ByteSink();
        ByteBuffer appBuf;
        ByteBuffer netBuf;
        ByteBuffer stage;
        boolean finished;

        ByteBuffer appBuf() {
            if (appBuf == null) appBuf = pool.acquire(0);
            return appBuf;
        }

        ByteBuffer netBuf() {
            if (netBuf == null) netBuf = pool.acquire(0);
            return netBuf;
        }

        /** The buffer was empty and still too small: the session negotiated larger records. */
        void growApp() throws SSLException {
            appBuf = grown(appBuf, engine.getSession().getApplicationBufferSize());
        }

        void growNet() throws SSLException {
            netBuf = grown(netBuf, engine.getSession().getPacketBufferSize());
        }

        private ByteBuffer grown(ByteBuffer old, int sessionSize) throws SSLException {
            if (old.capacity() >= 1 << 20) throw new SSLException("TLS engine keeps asking for a larger buffer");
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(sessionSize, old.capacity() * 2));
            pool.release(old);
            return bigger;
        }

        Result result() { return new Result(app.toArray(), net.toArray(), finished, inboundClosed); }

        void release() {
            pool.release(appBuf);
            pool.release(netBuf);
            pool.release(stage);
            appBuf = netBuf = stage = null;
        }
    }
}
