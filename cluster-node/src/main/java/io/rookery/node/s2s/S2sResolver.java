package io.rookery.node.s2s;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Where a remote domain's servers are (RFC 6120 §3.2.1; XEP-0368): {@code rookery.s2s.hosts} when it names the domain,
 * otherwise the {@code _xmpps-server._tcp} (direct TLS) and {@code _xmpp-server._tcp} (STARTTLS) SRV records merged by
 * priority, direct TLS first among equals, and without any SRV record the domain itself on 5269 (§3.2.2). DNS lookups
 * block, so they run on two threads of their own, never on a dispatcher.
 */
final class S2sResolver implements AutoCloseable {
    /** One address to try, in order. */
    record Resolved(InetSocketAddress address, boolean directTls) {}

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(S2sResolver.class);
    private final S2sSettings settings;
    private final ExecutorService dns;

    S2sResolver(S2sSettings settings) {
        this.settings = settings;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                r -> {
                    Thread t = new Thread(r, "rookery-s2s-dns");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        this.dns = pool;
    }

    CompletionStage<List<Resolved>> resolve(String domain) {
        return CompletableFuture.supplyAsync(() -> lookup(domain.toLowerCase(Locale.ROOT)), dns);
    }

    private List<Resolved> lookup(String domain) {
        List<S2sSettings.Target> targets = settings.hosts().get(domain);
        if (targets == null) targets = srv(domain);
        List<Resolved> out = new ArrayList<>();
        for (S2sSettings.Target t : targets) {
            for (InetAddress a : addresses(t.host())) out.add(new Resolved(new InetSocketAddress(a, t.port()), t.directTls()));
        }
        return out;
    }

    private record Srv(int priority, int weight, int port, String host, boolean directTls) {}

    private List<S2sSettings.Target> srv(String domain) {
        List<Srv> records = new ArrayList<>();
        boolean any = false;
        for (boolean tls : new boolean[] {true, false}) {
            String name = (tls ? "_xmpps-server._tcp." : "_xmpp-server._tcp.") + domain;
            for (String value : query(name, "SRV")) {
                any = true;
                String[] f = value.trim().split("\\s+");
                if (f.length != 4) continue;
                String host = f[3].endsWith(".") ? f[3].substring(0, f[3].length() - 1) : f[3];
                // RFC 2782: a target of "." says the service is decidedly not offered there.
                if (host.isEmpty()) continue;
                records.add(new Srv(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), host, tls));
            }
        }
        if (!any) return List.of(new S2sSettings.Target(domain, 5269, false));
        records.sort(Comparator.comparingInt(Srv::priority).thenComparing(s -> !s.directTls())
                .thenComparing(Comparator.comparingInt(Srv::weight).reversed()));
        List<S2sSettings.Target> out = new ArrayList<>();
        for (Srv s : records) out.add(new S2sSettings.Target(s.host(), s.port(), s.directTls()));
        return out;
    }

    private List<InetAddress> addresses(String host) {
        List<InetAddress> out = new ArrayList<>();
        if (!settings.dnsServer().isEmpty() && !isLiteral(host)) {
            for (String type : new String[] {"AAAA", "A"}) {
                for (String v : query(host, type)) {
                    try {
                        out.add(InetAddress.getByName(v.trim()));
                    } catch (java.net.UnknownHostException e) {
                        // not an address
                    }
                }
            }
            if (!out.isEmpty()) return out;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) out.add(a);
        } catch (java.net.UnknownHostException e) {
            LOG.debug("s2s-resolve-failed host={}", host);
        }
        return out;
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private List<String> query(String name, String type) {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        env.put(Context.PROVIDER_URL, settings.dnsServer().isEmpty() ? "dns:" : "dns://" + settings.dnsServer());
        env.put("com.sun.jndi.dns.timeout.initial", "2000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        List<String> out = new ArrayList<>();
        DirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            Attributes attrs = ctx.getAttributes(name, new String[] {type});
            Attribute a = attrs.get(type);
            if (a != null) {
                NamingEnumeration<?> values = a.getAll();
                while (values.hasMore()) out.add(String.valueOf(values.next()));
            }
        } catch (NamingException e) {
            // No such name, no record of that type, or no answer: nothing found.
        } finally {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (NamingException ignored) {
                    // closing
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        dns.shutdownNow();
    }
}
