package io.rookery.loadtest;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.StreamHeader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The I/O threads and what they share: the server address, the TLS context, the stream header. Every session
 * belongs to one {@link IoLoop} for its whole life; the controller talks to the loops only through tasks.
 */
final class Engine {
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * What the sessions of this engine do: register the accounts (--create=ibr), set up the rosters (then close),
     * or log in for the scenario being measured. Each round is a fresh engine with its own metrics.
     */
    enum Round { REGISTER, SETUP, MEASURE }

    final Options options;
    final Metrics metrics;
    final Round round;
    /** The resource asked for at bind: the setup round's differs, so that its sessions never clash with the next. */
    final String resource;
    /** How a full JID of the setup round ends: its late presences are not the measured round's. */
    final String setupJidSuffix;
    /** presence-churn and roster: who is whose contact, and who is available now; null otherwise. */
    final ContactRing ring;
    final OnlineSet available;
    /**
     * presence-churn with --csi-inactive-every: 0 before the churn (nothing counted), 1 from its start, 2 once the
     * inactive sessions were told to say they are active.
     */
    volatile int csiPhase;
    /** muc, in the measured round: the rooms and their occupants; null otherwise. */
    final MucRooms rooms;
    /** Resolved once; user i connects to addresses[i mod n]. */
    private final InetSocketAddress[] addresses;
    final byte[] streamHeader;
    private final SSLContext sslContext;
    private final IoLoop[] loops;
    private final Thread[] threads;

    Engine(Options options, Metrics metrics, Round round) throws IOException {
        this.options = options;
        this.metrics = metrics;
        this.round = round;
        this.resource = round == Round.SETUP ? options.resource + "-setup" : options.resource;
        this.setupJidSuffix = "/" + options.resource + "-setup";
        this.ring = options.scenario.usesContacts() ? new ContactRing(options) : null;
        this.available = ring == null ? null : new OnlineSet(options.users);
        this.rooms = options.scenario == Options.Scenario.MUC && round == Round.MEASURE ? new MucRooms(options) : null;
        this.addresses = new InetSocketAddress[options.hosts.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = new InetSocketAddress(options.hosts.get(i).trim(), options.port);
            if (addresses[i].isUnresolved()) throw new IOException("cannot resolve host " + options.hosts.get(i));
        }
        this.streamHeader = new StreamHeader(options.domain, null, null, "1.0", "en", Namespaces.CLIENT)
                .toOpeningXml().getBytes(StandardCharsets.UTF_8);
        this.sslContext = options.tls == Options.TlsMode.STARTTLS ? TrustAllTls.clientContext() : null;
        int n = options.threads;
        loops = new IoLoop[n];
        threads = new Thread[n];
        for (int i = 0; i < n; i++) {
            loops[i] = new IoLoop(i, n, this);
            threads[i] = new Thread(loops[i], "loadtest-io-" + i);
            threads[i].setDaemon(true);
        }
    }

    void start() {
        for (Thread t : threads) t.start();
    }

    /** Starts logging in the users, each loop its share, at {@code perSecond} in total (0: unpaced). */
    void startLogins(double perSecond) throws InterruptedException {
        long now = System.nanoTime();
        onEachLoop(loop -> {
            loop.startLogins(now, perSecond / loops.length);
            return null;
        });
    }

    /** Stops starting logins; returns once every loop has stopped (logins in progress go on). */
    void stopLogins() throws InterruptedException {
        onEachLoop(loop -> {
            loop.stopLogins();
            return null;
        });
    }

    /** The full JIDs of every session online now. */
    List<String> onlineJids() throws InterruptedException {
        List<String> all = new ArrayList<>();
        for (List<String> part : onEachLoop(IoLoop::onlineJids)) all.addAll(part);
        return all;
    }

    /** Each loop sends its share of {@code perSecond} chat messages, from its own sessions to any of targets. */
    void startSending(String[] targets, double perSecond) throws InterruptedException {
        long now = System.nanoTime();
        onEachLoop(loop -> {
            loop.startSending(now, perSecond / loops.length, targets);
            return null;
        });
    }

    /** presence-churn: each loop changes the presence of its own sessions, its share of {@code perSecond}. */
    void startChurn(double perSecond) throws InterruptedException {
        long now = System.nanoTime();
        onEachLoop(loop -> {
            loop.startSending(now, perSecond / loops.length, null);
            return null;
        });
    }

    /** presence-churn: the inactive sessions say they are active again (XEP-0352); returns how many did. */
    long wakeInactive() throws InterruptedException {
        csiPhase = 2;
        long n = 0;
        for (long part : onEachLoop(IoLoop::wakeInactive)) n += part;
        return n;
    }

    /** muc: picks each room's creator among the users online now (the lowest of the room); returns how many. */
    int chooseCreators() throws InterruptedException {
        onEachLoop(IoLoop::markOnline);
        return rooms.chooseCreators();
    }

    /** muc: the creators, or then the others, join their rooms, at most --concurrency at once; returns how many. */
    long startJoins(boolean creators) throws InterruptedException {
        long n = 0;
        for (long part : onEachLoop(loop -> loop.queueJoins(creators))) n += part;
        return n;
    }

    /**
     * muc: groupchat messages at perSecond over all rooms, each loop sending those of its own occupants. Window w
     * (0 the measured one, then the steps) numbers its messages from w << 32, so that no two windows share one.
     */
    void startGroupchat(double perSecond, int window) throws InterruptedException {
        long now = System.nanoTime();
        onEachLoop(loop -> {
            loop.startGroupchat(now, perSecond, (long) window << 32);
            return null;
        });
    }

    /** Roster setup: every session starts sending the subscription requests it needs. */
    void startSubscribing() throws InterruptedException {
        onEachLoop(loop -> {
            loop.startSubscribing();
            return null;
        });
    }

    /** Roster setup: roster items that should be 'both' once every request has been answered. */
    long expectedBoth() throws InterruptedException {
        long n = 0;
        for (long part : onEachLoop(IoLoop::expectedBoth)) n += part;
        return n;
    }

    /** --check-archive: every session online pages through its archive; returns how many sessions asked. */
    long startArchiveCheck() throws InterruptedException {
        long n = 0;
        for (long part : onEachLoop(IoLoop::startArchiveCheck)) n += part;
        return n;
    }

    void stopSending() throws InterruptedException {
        onEachLoop(loop -> {
            loop.stopSending();
            return null;
        });
    }

    /** Closes every session (online ones with {@code </stream:stream>}), then stops the threads. */
    void shutdown() throws InterruptedException {
        onEachLoop(loop -> {
            loop.closeAll();
            return null;
        });
        for (IoLoop loop : loops) loop.stop();
        for (Thread t : threads) t.join(10_000);
    }

    /** A client-mode engine for STARTTLS: TLS 1.3 and 1.2, SNI with the domain. */
    SSLEngine newClientEngine() {
        // No peer host: the JDK then keeps no session for resumption, so every handshake is a full one, as for a
        // fresh client. That is the costly case for the server, and the one a login storm is made of.
        SSLEngine engine = sslContext.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        List<String> supported = List.of(engine.getSupportedProtocols());
        p.setProtocols(PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new));
        try {
            p.setServerNames(List.of(new SNIHostName(options.domain)));
        } catch (IllegalArgumentException notAHostName) {
            // an IP literal or otherwise: no SNI
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /** The server address user {@code userIndex} connects to. */
    InetSocketAddress address(int userIndex) {
        return addresses[Math.floorMod(userIndex, addresses.length)];
    }

    /** Runs f on every loop's own thread and waits for all the answers. */
    private <T> List<T> onEachLoop(Function<IoLoop, T> f) throws InterruptedException {
        List<CompletableFuture<T>> futures = new ArrayList<>(loops.length);
        for (IoLoop loop : loops) {
            CompletableFuture<T> future = new CompletableFuture<>();
            futures.add(future);
            loop.execute(() -> {
                try {
                    future.complete(f.apply(loop));
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            });
        }
        List<T> out = new ArrayList<>(loops.length);
        for (CompletableFuture<T> future : futures) {
            try {
                out.add(future.get());
            } catch (ExecutionException e) {
                throw new IllegalStateException("I/O thread task failed", e.getCause());
            }
        }
        return out;
    }
}
