package io.rookery.loadtest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rookery.protocol.bosh.Bosh;
import io.rookery.protocol.websocket.WebSocketFraming;
import io.rookery.protocol.xml.ParserLimits;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * TEST FIXTURE: a BOSH connection manager (XEP-0124, XEP-0206) in front of {@link TinyXmppServer}, on the JDK's
 * HTTP server (keep-alive, Content-Length responses): each BOSH session is a TCP connection to the tiny server,
 * its requests' payloads written to it and its output, split into elements as Rookery splits it, answered in the
 * held request. Requests are processed in rid order; hold 1 (a newer request releases the held one), requests 2,
 * the wait given here (short, so that a test sees the long poll answered empty and sent again). A thread per request
 * while it is held. No replay of lost responses, no pause, no polling sessions.
 */
final class TinyBoshBridge implements AutoCloseable {
    private static final String STREAM_HEADER = "<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
            + "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";
    private static final String TERMINATE = Bosh.response(List.of("type", "terminate"), List.of());

    final AtomicInteger created = new AtomicInteger();
    final AtomicInteger restarts = new AtomicInteger();
    /** Sessions ended by the client's terminate request. */
    final AtomicInteger terminated = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    /** Requests answered empty because their wait ran out. */
    final AtomicInteger waitsRunOut = new AtomicInteger();
    /** The client's HTTP connections, by remote port. */
    final Set<Integer> connections = ConcurrentHashMap.newKeySet();

    private final HttpServer http;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tiny-bosh");
        t.setDaemon(true);
        return t;
    });
    private final int xmppPort;
    private final String domain;
    private final long waitMillis;
    private final Map<String, Bridged> sessions = new ConcurrentHashMap<>();

    TinyBoshBridge(int xmppPort, String domain, long waitMillis) throws IOException {
        this.xmppPort = xmppPort;
        this.domain = domain;
        this.waitMillis = waitMillis;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        http.createContext("/http-bind", this::handle);
        http.setExecutor(pool);
        http.start();
    }

    int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        for (Bridged b : sessions.values()) b.end();
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"POST".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            connections.add(ex.getRemoteAddress().getPort());
            requests.incrementAndGet();
            String text = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String answer;
            try {
                Bosh.Request r = Bosh.parse(text, ParserLimits.forMaxStanzaBytes(1 << 20));
                if (r.sid() == null) {
                    answer = create(r);
                } else {
                    Bridged b = sessions.get(r.sid());
                    answer = b == null ? Bosh.terminate(Bosh.Condition.ITEM_NOT_FOUND) : b.request(r);
                }
            } catch (Bosh.BadRequest e) {
                answer = Bosh.terminate(Bosh.Condition.BAD_REQUEST);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", Bosh.CONTENT_TYPE);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private String create(Bosh.Request r) throws IOException, InterruptedException {
        if (!domain.equals(r.body().attr("to"))) return Bosh.terminate(Bosh.Condition.HOST_UNKNOWN);
        Bridged b = new Bridged(UUID.randomUUID().toString().replace("-", ""), r.rid());
        sessions.put(b.sid, b);
        created.incrementAndGet();
        b.write(String.format(STREAM_HEADER, domain));
        return b.request(r);
    }

    /** One BOSH session and its TCP connection to the tiny server. */
    private final class Bridged {
        final String sid;
        private final Socket socket;
        private final OutputStream out;
        private final WebSocketFraming.Outbound outbound = new WebSocketFraming.Outbound();
        private long nextRid;
        private final ArrayDeque<String[]> held = new ArrayDeque<>(2);
        private List<String> outbox = new ArrayList<>();
        private boolean creationAnswered;
        private boolean ended;

        Bridged(String sid, long rid) throws IOException {
            this.sid = sid;
            this.nextRid = rid;
            socket = new Socket("127.0.0.1", xmppPort);
            out = socket.getOutputStream();
            Thread reader = new Thread(this::read, "tiny-bosh-reader");
            reader.setDaemon(true);
            reader.start();
        }

        synchronized void write(String xml) throws IOException {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private void read() {
            char[] buf = new char[8192];
            try (Reader in = new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        for (String m : outbound.messages(new String(buf, 0, n))) {
                            if (m.startsWith("<open ")) continue;
                            if (m.startsWith("<close ")) {
                                ended = true;
                                continue;
                            }
                            outbox.add(m);
                        }
                        notifyAll();
                    }
                }
            } catch (IOException closed) {
                // the session ended
            }
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }

        /** A request: in rid order, then held until there is output or its wait runs out. */
        synchronized String request(Bosh.Request r) throws IOException, InterruptedException {
            long rid = r.rid();
            long giveUp = System.currentTimeMillis() + 10_000;
            while (rid > nextRid && !ended) {
                long left = giveUp - System.currentTimeMillis();
                if (left <= 0) return Bosh.terminate(Bosh.Condition.ITEM_NOT_FOUND);
                wait(left);
            }
            if (rid < nextRid) return Bosh.terminate(Bosh.Condition.ITEM_NOT_FOUND);
            nextRid = rid + 1;
            notifyAll();
            if (r.terminate()) {
                if (!ended) {
                    write(r.payload() + "</stream:stream>");
                    terminated.incrementAndGet();
                }
                end();
                return TERMINATE;
            }
            if (ended) return TERMINATE;
            if (r.restart()) {
                restarts.incrementAndGet();
                write(String.format(STREAM_HEADER, domain));
            } else if (!r.empty()) {
                write(r.payload());
            }
            String[] slot = new String[1];
            held.add(slot);
            while (held.size() > 1) answer(held.poll());
            long until = System.currentTimeMillis() + waitMillis;
            while (slot[0] == null) {
                if (ended) {
                    held.remove(slot);
                    slot[0] = TERMINATE;
                } else if (!outbox.isEmpty() && held.peek() == slot) {
                    answer(held.poll());
                } else if (System.currentTimeMillis() >= until) {
                    held.remove(slot);
                    waitsRunOut.incrementAndGet();
                    answer(slot);
                } else {
                    wait(Math.max(1, until - System.currentTimeMillis()));
                }
            }
            return slot[0];
        }

        private void answer(String[] slot) {
            List<String> attrs = List.of();
            if (!creationAnswered) {
                creationAnswered = true;
                attrs = List.of("sid", sid, "wait", Long.toString(Math.max(1, waitMillis / 1000)), "requests", "2",
                        "hold", "1", "ver", "1.11", "from", domain, "xmpp:version", "1.0");
            }
            slot[0] = Bosh.response(attrs, outbox);
            outbox = new ArrayList<>();
            notifyAll();
        }

        synchronized void end() {
            ended = true;
            while (!held.isEmpty()) held.poll()[0] = TERMINATE;
            notifyAll();
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed either way
            }
            sessions.remove(sid);
        }
    }
}
