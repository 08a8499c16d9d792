package io.rookery.node.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The JDK's WebSocket client (java.net.http) speaking RFC 7395 in literal XML: each message received is one string
 * (frames joined), in order.
 */
final class WsClient implements AutoCloseable {
    static final String FRAMING = "urn:ietf:params:xml:ns:xmpp-framing";
    static final String OPEN = "<open xmlns='" + FRAMING + "' to='localhost' version='1.0'/>";
    static final Duration WAIT = Duration.ofSeconds(10);

    WebSocket socket;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** The close frame's status code once the server closed. */
    final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private WsClient() {}

    static WsClient connect(String uri, SSLContext ssl, String origin, String... subprotocols) throws Exception {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(WAIT);
        if (ssl != null) http.sslContext(ssl);
        WebSocket.Builder b = http.build().newWebSocketBuilder().connectTimeout(WAIT);
        if (subprotocols.length > 0) b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1,
                subprotocols.length));
        if (origin != null) b.header("Origin", origin);
        WsClient client = new WsClient();
        client.socket = b.buildAsync(URI.create(uri), new Listener(client)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return client;
    }

    /** The HTTP status a refused upgrade got. */
    static int refusedWith(String uri, SSLContext ssl, String origin, String... subprotocols) throws Exception {
        try (WsClient c = connect(uri, ssl, origin, subprotocols)) {
            throw new AssertionError("the upgrade was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) return h.getResponse().statusCode();
            throw e;
        }
    }

    WsClient send(String xml) throws Exception {
        socket.sendText(xml, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return this;
    }

    /** The next message; fails after the wait. */
    String next() throws InterruptedException {
        String m = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (m == null) throw new AssertionError("no message within " + WAIT);
        return m;
    }

    /** Messages until one contains the needle (which is returned); fails after the wait. */
    String await(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String m = received.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (m == null) break;
            if (m.contains(needle)) return m;
            seen.append(m).append('\n');
        }
        throw new AssertionError("no message with '" + needle + "' within " + WAIT + "; got:\n" + seen);
    }

    /** RFC 7395 §3.4-§3.5 and RFC 6120 §6-§7: open, SASL PLAIN, open again, bind; returns the bound full JID. */
    String login(String user, String password, String resource) throws Exception {
        send(OPEN);
        await("<open ");
        await("<mechanism>PLAIN</mechanism>");
        String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
        send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>");
        await("<success");
        send(OPEN);
        await("<open ");
        await("urn:ietf:params:xml:ns:xmpp-bind");
        send("<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<resource>" + resource + "</resource></bind></iq>");
        String bound = await("<jid>");
        return bound.substring(bound.indexOf("<jid>") + 5, bound.indexOf("</jid>"));
    }

    @Override
    public void close() {
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final WsClient client;
        private final StringBuilder partial = new StringBuilder();

        Listener(WsClient client) {
            this.client = client;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                client.received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            client.closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            client.closed.completeExceptionally(error);
        }
    }
}
