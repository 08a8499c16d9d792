package io.rookery.node.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw plain-TCP client for load and abuse tests: logs in with PLAIN, then sends literal XML while a reader thread
 * (started on demand, or never, for a client that stops reading) notes the id and type of every message start tag
 * the server sends, without keeping the stream. Text is read as ISO-8859-1: tests send ASCII only.
 */
final class Wire implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("\\bid='([^']*)'");
    private static final Pattern TYPE = Pattern.compile("\\btype='([^']*)'");

    final String user;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final StringBuilder buf = new StringBuilder();
    private int pos;
    private volatile boolean closedByPeer;
    private final AtomicBoolean reading = new AtomicBoolean();
    /** Ids of messages received, by type ("error" for bounces, "chat" for the others). */
    final Map<String, Set<String>> messages = new ConcurrentHashMap<>();
    final AtomicLong bytesRead = new AtomicLong();

    private Wire(String user, String localAddress, int port) throws IOException {
        this(user, localAddress, port, 0);
    }

    /** receiveBuffer: the socket's SO_RCVBUF, 0 for the system's (a small one makes the kernel hold little). */
    private Wire(String user, String localAddress, int port, int receiveBuffer) throws IOException {
        this.user = user;
        socket = new Socket();
        if (receiveBuffer > 0) socket.setReceiveBufferSize(receiveBuffer);
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(200);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** A connection that has only opened its socket. */
    static Wire connect(String localAddress, int port) throws IOException {
        return new Wire(null, localAddress, port);
    }

    /** Logged in as user with password, resource bound; presence sent when asked. */
    static Wire login(int port, String user, String password, String resource, boolean available)
            throws IOException {
        return login(port, user, password, resource, available, 0);
    }

    static Wire login(int port, String user, String password, String resource, boolean available, int receiveBuffer)
            throws IOException {
        Wire w = new Wire(user, "127.0.0.1", port, receiveBuffer);
        try {
            w.send(RawClient.HEADER).awaitText("</stream:features>", Duration.ofSeconds(20));
            w.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                    .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)) + "</auth>");
            String got = w.awaitText("<success", Duration.ofSeconds(30));
            w.clear();
            w.send(RawClient.HEADER).awaitText("</stream:features>", Duration.ofSeconds(20));
            w.clear();
            w.send("<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource
                    + "</resource></bind></iq>").awaitText("</iq>", Duration.ofSeconds(20));
            w.clear();
            if (available) w.send("<presence/>");
            return w;
        } catch (IOException | RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    synchronized Wire send(String xml) throws IOException {
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return this;
    }

    Wire send(byte[] bytes) throws IOException {
        synchronized (this) {
            out.write(bytes);
            out.flush();
        }
        return this;
    }

    /** Reads (on the caller's thread) until the text so far contains the needle. */
    String awaitText(String needle, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (buf.indexOf(needle) < 0) {
            if (closedByPeer) throw new IOException("closed before '" + needle + "': " + tail());
            if (System.nanoTime() > deadline) throw new IOException("no '" + needle + "' in: " + tail());
            readSome();
        }
        return buf.toString();
    }

    private String tail() {
        return buf.length() > 600 ? buf.substring(buf.length() - 600) : buf.toString();
    }

    private void clear() {
        buf.setLength(0);
        pos = 0;
    }

    /** Starts the reader thread: from now on the stream is consumed and message start tags noted. */
    Wire startReading() {
        if (!reading.compareAndSet(false, true)) return this;
        Thread t = new Thread(() -> {
            try {
                while (!closedByPeer && !socket.isClosed()) readSome();
            } catch (IOException e) {
                closedByPeer = true;
            }
        }, "wire-" + user);
        t.setDaemon(true);
        t.start();
        return this;
    }

    boolean closedByPeer() {
        return closedByPeer;
    }

    private void readSome() throws IOException {
        byte[] chunk = new byte[65536];
        int n;
        try {
            n = in.read(chunk);
        } catch (SocketTimeoutException e) {
            return;
        }
        if (n < 0) {
            closedByPeer = true;
            return;
        }
        bytesRead.addAndGet(n);
        buf.append(new String(chunk, 0, n, StandardCharsets.ISO_8859_1));
        scan();
    }

    /** Notes each complete message start tag; keeps only what may hold an unfinished one. */
    private void scan() {
        while (true) {
            int start = buf.indexOf("<message", pos);
            if (start < 0) {
                pos = Math.max(pos, buf.length() - 8);
                break;
            }
            int end = buf.indexOf(">", start);
            if (end < 0) {
                pos = start;
                break;
            }
            String tag = buf.substring(start, end + 1);
            Matcher id = ID.matcher(tag);
            Matcher type = TYPE.matcher(tag);
            if (id.find()) {
                messages.computeIfAbsent(type.find() ? type.group(1) : "normal", k -> ConcurrentHashMap.newKeySet())
                        .add(id.group(1));
            }
            pos = end + 1;
        }
        if (pos > (256 << 10)) {
            buf.delete(0, pos);
            pos = 0;
        }
    }

    /** Ids of messages of this type received so far whose id starts with prefix. */
    Set<String> ids(String type, String prefix) {
        Set<String> all = messages.getOrDefault(type, Set.of());
        Set<String> out = new java.util.HashSet<>();
        for (String id : all) if (id.startsWith(prefix)) out.add(id);
        return out;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }
}
