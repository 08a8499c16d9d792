package io.rookery.node.it.s2s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An authoritative DNS server on loopback (UDP) that federation peers resolve through, with records a test may
 * change while the peers run (a later test moves a domain's s2s port to another node). It answers A and SRV
 * queries for the names it holds, NODATA for other types of a known name, NXDOMAIN for unknown names, and echoes
 * an EDNS OPT record when the query carried one. Every answer has a TTL of {@link #TTL} seconds so a change is
 * seen within about a second (resolvers that cache: libunbound in Prosody, inet_res in ejabberd).
 *
 * <p>Peers reach it on a free UDP port of 127.0.0.1: Prosody through libunbound's {@code forward = "127.0.0.1@PORT"}
 * ({@link #unboundForward()}), ejabberd through an Erlang inetrc {@code {nameserver, {127,0,0,1}, PORT}}
 * ({@link #erlangInetrcLines()}). No system file is touched. Not supported: TCP, wildcard records, AAAA answers.
 */
public final class TestDns implements AutoCloseable {
    /** Seconds every answer may be cached. */
    public static final int TTL = 1;

    private static final int TYPE_A = 1;
    private static final int TYPE_SRV = 33;
    private static final int TYPE_OPT = 41;

    private record Srv(int priority, int weight, int port, String target) {}

    /** Known names (lower case, no trailing dot) and their records. */
    private final Map<String, List<InetAddress>> a = new ConcurrentHashMap<>();
    private final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;
    private final Thread thread;
    private final Writer log;
    private volatile boolean closed;

    private TestDns(DatagramSocket socket, Writer log) {
        this.socket = socket;
        this.log = log;
        this.thread = new Thread(this::serve, "test-dns-" + socket.getLocalPort());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Starts on a free UDP port of 127.0.0.1; queries and answers are logged to {@code dir/dns.log}. */
    public static TestDns start(Path dir) throws IOException {
        return start(dir, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Starts on the address given (for example port 53 of an unusual loopback address, as root). */
    public static TestDns start(Path dir, InetSocketAddress bind) throws IOException {
        Files.createDirectories(dir);
        DatagramSocket s = new DatagramSocket(null);
        s.bind(bind);
        return new TestDns(s, Files.newBufferedWriter(dir.resolve("dns.log")));
    }

    public InetAddress address() {
        return socket.getLocalAddress();
    }

    public String ip() {
        return address().getHostAddress();
    }

    public int port() {
        return socket.getLocalPort();
    }

    /**
     * libunbound's forwarder syntax (Prosody's {@code unbound = { forward = ... }}). libunbound also answers names
     * under {@code test.} itself (NXDOMAIN, a default local zone of RFC 6761 names) unless told {@code local-zone:
     * "test. transparent"}: see {@link ProsodyPeer}.
     */
    public String unboundForward() {
        return ip() + "@" + port();
    }

    /**
     * An Erlang inetrc (ejabberd) that resolves through this server only: its own host table first, then DNS. The
     * order matters: {@code resolv_conf} and {@code hosts_file} come first, since reading them (even as "") resets the
     * nameservers listed before; with the system's /etc/resolv.conf left in, its nameservers replace this one.
     */
    public String erlangInetrcLines() {
        String tuple = "{" + ip().replace('.', ',') + "}";
        return "{resolv_conf, \"\"}.\n"
                + "{hosts_file, \"\"}.\n"
                + "{nameserver, " + tuple + ", " + port() + "}.\n"
                + "{host, {127,0,0,1}, [\"localhost\"]}.\n"
                + "{lookup, [file, dns]}.\n"
                + "{timeout, 1000}.\n"
                + "{retry, 2}.\n";
    }

    /**
     * {@code _xmpp-server._tcp.domain} SRV pointing at 127.0.0.1 port {@code port}, and {@code domain} A 127.0.0.1.
     * Replaces any SRV record of that service the domain had; may be called while peers run (answers live
     * {@link #TTL} seconds).
     */
    public TestDns srv(String domain, int port) {
        return srv(domain, InetAddress.getLoopbackAddress(), port);
    }

    /** {@code _xmpp-server._tcp.domain} SRV pointing at {@code address:port}, and {@code domain} A {@code address}. */
    public TestDns srv(String domain, InetAddress address, int port) {
        return service("_xmpp-server._tcp", domain, address, port);
    }

    /** XEP-0368 direct TLS s2s: {@code _xmpps-server._tcp.domain} SRV. */
    public TestDns xmppsSrv(String domain, int port) {
        return service("_xmpps-server._tcp", domain, InetAddress.getLoopbackAddress(), port);
    }

    /** Client connections: {@code _xmpp-client._tcp.domain} SRV. */
    public TestDns clientSrv(String domain, int port) {
        return service("_xmpp-client._tcp", domain, InetAddress.getLoopbackAddress(), port);
    }

    /**
     * The SRV record of {@code service} ({@code _xmpp-server._tcp}) for domain, and an A record for the domain. The
     * SRV target is the address written out ("127.0.0.1"), which this server also answers as a name.
     *
     * <p>COMPAT ejabberd 23.01 (p1_xmpp 1.6.1): it looks up SRV records through Erlang's resolver (the inetrc, so
     * this server) but the address of an SRV target through libc's getaddrinfo (/etc/hosts and /etc/resolv.conf,
     * which a test must not touch): a target name such as "prosody.test" fails there ("DNS lookup failed:
     * enoname"), an IP literal needs no lookup. For the same reason ejabberd cannot reach a domain without an SRV
     * record (its fallback is the A record through getaddrinfo). Prosody accepts IP-literal targets too.
     */
    public TestDns service(String service, String domain, InetAddress address, int port) {
        a(domain, address);
        String target = address.getHostAddress();
        a(target, address);
        srv.put(key(service + "." + domain), List.of(new Srv(0, 0, port, key(target))));
        return this;
    }

    /**
     * {@code _xmpp-server._tcp.domain} SRV records for several servers of the domain on 127.0.0.1, in this order of
     * priority (a cluster's nodes); and the domain's A record.
     */
    public TestDns srvAll(String domain, List<Integer> ports) {
        InetAddress lo = InetAddress.getLoopbackAddress();
        a(domain, lo);
        a(lo.getHostAddress(), lo);
        List<Srv> records = new java.util.ArrayList<>();
        for (int i = 0; i < ports.size(); i++) records.add(new Srv(i, 0, ports.get(i), key(lo.getHostAddress())));
        srv.put(key("_xmpp-server._tcp." + domain), List.copyOf(records));
        return this;
    }

    /** An A record only (the domain's SRV, if any, stays). Replaces the name's A records. */
    public TestDns a(String name, InetAddress address) {
        a.put(key(name), List.of(address));
        return this;
    }

    /** Forgets every record of that domain and of its {@code _service._proto} names. */
    public TestDns remove(String domain) {
        String d = key(domain);
        a.keySet().removeIf(n -> n.equals(d) || n.endsWith("." + d));
        srv.keySet().removeIf(n -> n.equals(d) || n.endsWith("." + d));
        return this;
    }

    /** The questions asked so far, as {@code name/type} (type as a number), oldest first. */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
        try {
            thread.join(2000);
            log.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // only the log
        }
    }

    private static String key(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketException e) {
                if (closed) return;
                continue;
            } catch (IOException e) {
                continue;
            }
            try {
                byte[] answer = answer(ByteBuffer.wrap(p.getData(), 0, p.getLength()).slice());
                if (answer != null) socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (RuntimeException | IOException e) {
                logLine("bad query from " + p.getSocketAddress() + ": " + e);
            }
        }
    }

    private synchronized void logLine(String line) {
        try {
            log.write(Instant.now() + " " + line + "\n");
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The response to one query, or null to drop it (a response, or no question). */
    private byte[] answer(ByteBuffer q) {
        int id = q.getShort() & 0xffff;
        int flags = q.getShort() & 0xffff;
        int qd = q.getShort() & 0xffff;
        q.getShort();
        q.getShort();
        int ar = q.getShort() & 0xffff;
        if ((flags & 0x8000) != 0 || qd != 1) return null;
        int questionStart = q.position();
        String qname = readName(q);
        int qtype = q.getShort() & 0xffff;
        int qclass = q.getShort() & 0xffff;
        int questionEnd = q.position();
        boolean edns = false;
        for (int i = 0; i < ar && q.hasRemaining(); i++) {
            readName(q);
            int type = q.getShort() & 0xffff;
            q.getShort();
            q.getInt();
            int len = q.getShort() & 0xffff;
            q.position(q.position() + len);
            if (type == TYPE_OPT) edns = true;
        }
        String name = key(qname);
        queries.add(name + "/" + qtype);

        ByteBuffer r = ByteBuffer.allocate(1024);
        List<byte[]> answers = new ArrayList<>();
        boolean known = a.containsKey(name) || srv.containsKey(name);
        if (qclass == 1 && qtype == TYPE_A) {
            for (InetAddress addr : a.getOrDefault(name, List.of())) {
                if (addr.getAddress().length == 4) answers.add(record(TYPE_A, addr.getAddress()));
            }
        } else if (qclass == 1 && qtype == TYPE_SRV) {
            for (Srv s : srv.getOrDefault(name, List.of())) {
                ByteBuffer d = ByteBuffer.allocate(6 + s.target().length() + 2);
                d.putShort((short) s.priority()).putShort((short) s.weight()).putShort((short) s.port());
                writeName(d, s.target());
                answers.add(record(TYPE_SRV, java.util.Arrays.copyOf(d.array(), d.position())));
            }
        }
        int opcode = flags & 0x7800;
        int rcode = opcode != 0 ? 4 : known ? 0 : 3; // NOTIMP, NOERROR, NXDOMAIN
        // QR, the query's opcode and RD, AA, RA.
        r.putShort((short) id).putShort((short) (0x8000 | opcode | (flags & 0x0100) | 0x0400 | 0x0080 | rcode));
        r.putShort((short) 1).putShort((short) answers.size()).putShort((short) 0).putShort((short) (edns ? 1 : 0));
        r.put(q.array(), q.arrayOffset() + questionStart, questionEnd - questionStart);
        for (byte[] ans : answers) r.put(ans);
        if (edns) {
            // OPT: root name, payload size 1232, extended rcode/version/flags 0, no options.
            r.put((byte) 0).putShort((short) TYPE_OPT).putShort((short) 1232).putInt(0).putShort((short) 0);
        }
        logLine("q " + name + " type " + qtype + " -> rcode " + rcode + ", " + answers.size() + " answer(s)");
        return java.util.Arrays.copyOf(r.array(), r.position());
    }

    /** One answer record named by a pointer to the question's name (offset 12). */
    private static byte[] record(int type, byte[] rdata) {
        ByteBuffer b = ByteBuffer.allocate(12 + rdata.length);
        b.putShort((short) 0xc00c).putShort((short) type).putShort((short) 1).putInt(TTL);
        b.putShort((short) rdata.length).put(rdata);
        return b.array();
    }

    private static String readName(ByteBuffer b) {
        StringBuilder sb = new StringBuilder();
        int jumps = 0;
        int resume = -1;
        while (true) {
            int len = b.get() & 0xff;
            if (len == 0) break;
            if ((len & 0xc0) == 0xc0) {
                int ptr = ((len & 0x3f) << 8) | (b.get() & 0xff);
                if (resume < 0) resume = b.position();
                if (++jumps > 20) throw new IllegalArgumentException("compression loop");
                b.position(ptr);
                continue;
            }
            byte[] label = new byte[len];
            b.get(label);
            if (sb.length() > 0) sb.append('.');
            sb.append(new String(label, StandardCharsets.US_ASCII));
        }
        if (resume >= 0) b.position(resume);
        return sb.toString();
    }

    private static void writeName(ByteBuffer b, String name) {
        for (String label : name.split("\\.")) {
            if (label.isEmpty()) continue;
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            b.put((byte) bytes.length).put(bytes);
        }
        b.put((byte) 0);
    }
}
