package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.RosterGroup;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

/** Small things {@link ClusterIT}, {@link ThreeNodeCluster} and {@link ClusterClient} share: waits, JIDs, logging. */
final class ClusterItSupport {
    static final long WAIT_SECONDS = 30;

    private ClusterItSupport() {}

    static List<String> groups(RosterEntry e) {
        return e.getGroups().stream().map(RosterGroup::getName).sorted().collect(Collectors.toList());
    }

    static BareJid bare(String user) throws Exception {
        return JidCreate.bareFrom(user + "@localhost");
    }

    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail(what);
            Thread.sleep(50);
        }
    }

    static long ms(long sinceNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
    }

    static void log(String format, Object... args) {
        System.out.println(String.format(java.util.Locale.ROOT, format, args));
    }

    /** Trusts a certificate either trust manager trusts. */
    static javax.net.ssl.X509TrustManager eitherOf(javax.net.ssl.X509TrustManager first,
            javax.net.ssl.X509TrustManager second) {
        return new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("no client certificates here");
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                try {
                    first.checkServerTrusted(chain, authType);
                } catch (java.security.cert.CertificateException e) {
                    second.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }
}
