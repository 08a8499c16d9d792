package io.rookery.protocol.tls;

import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;

/**
 * Not a test: prints the heap an idle TLS codec retains after its handshake, measured as used heap after full GCs
 * around N in-memory connection pairs. Run with the test classpath:
 * {@code java -cp target-X/test-classes:target-X/classes io.rookery.protocol.tls.TlsCodecProbe 2000 TLSv1.3}.
 */
public final class TlsCodecProbe {
    private TlsCodecProbe() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String protocol = args.length > 1 ? args[1] : "TLSv1.3";
        TestTls.Keys keys = TestTls.ec();
        // The client context caches its sessions (soft references) and would be counted against the servers.
        keys.client().getClientSessionContext().setSessionCacheSize(1);
        TlsBufferPool pool = TlsBufferPool.shared();
        pair(keys, pool, protocol); // load classes and fill the pool before the baseline
        long base = usedAfterGc();

        List<TlsCodec> servers = new ArrayList<>(n);
        List<TlsCodec> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TlsCodec[] p = pair(keys, pool, protocol);
            servers.add(p[0]);
            clients.add(p[1]);
        }
        long both = usedAfterGc();
        clients.clear();
        long serversOnly = usedAfterGc();
        servers.clear();
        long after = usedAfterGc();

        System.out.printf("%s, %d pairs: server+client %.1f KiB/pair, server codec %.1f KiB each, "
                        + "left after dropping all %.1f KiB/pair, pool free %d%n",
                protocol, n, (both - base) / 1024.0 / n, (serversOnly - base) / 1024.0 / n,
                (after - base) / 1024.0 / n, pool.freeCount());
    }

    private static TlsCodec[] pair(TestTls.Keys keys, TlsBufferPool pool, String protocol) throws TlsException {
        SSLEngine clientEngine = keys.client().createSSLEngine(); // no peer host: no client-side resumption
        clientEngine.setUseClientMode(true);
        clientEngine.setEnabledProtocols(new String[] {protocol});
        InMemoryLink link = new InMemoryLink(new TlsCodec(clientEngine, pool), keys.serverCodec(pool),
                InMemoryLink.WHOLE).handshake();
        byte[] hello = "<stream:stream>".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        link.clientWrites(hello);
        link.serverWrites(hello);
        link.pump();
        if (link.server.retainedBytes() != 0 || link.serverReceived.size() != hello.length) {
            throw new IllegalStateException("exchange failed");
        }
        return new TlsCodec[] {link.server, link.client};
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
