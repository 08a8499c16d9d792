package io.rookery.protocol.tls;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Whether a certificate names an XMPP domain (RFC 6120 §13.7.1.2, RFC 6125 §6): a subjectAltName dNSName (with a
 * wildcard only as the whole left-most label), an id-on-xmppAddr otherName, an SRVName for {@code _xmpp-server} or
 * {@code _xmpps-server}, and the subject's common name only when the certificate has no DNS or SRV names at all.
 */
public final class CertificateNames {
    private static final String XMPP_ADDR = "1.3.6.1.5.5.7.8.5";
    private static final String SRV_NAME = "1.3.6.1.5.5.7.8.7";

    private CertificateNames() {}

    public static boolean matches(X509Certificate cert, String domain) {
        String want = domain.toLowerCase(Locale.ROOT);
        boolean hadDnsOrSrv = false;
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if (type == 2 && san.get(1) instanceof String dns) {
                    hadDnsOrSrv = true;
                    if (dnsMatches(dns.toLowerCase(Locale.ROOT), want)) return true;
                } else if (type == 0 && san.get(1) instanceof byte[] der) {
                    String[] other = otherName(der);
                    if (other == null) continue;
                    if (XMPP_ADDR.equals(other[0]) && want.equals(other[1].toLowerCase(Locale.ROOT))) return true;
                    if (SRV_NAME.equals(other[0])) {
                        hadDnsOrSrv = true;
                        String srv = other[1].toLowerCase(Locale.ROOT);
                        if (srv.equals("_xmpp-server." + want) || srv.equals("_xmpps-server." + want)) return true;
                    }
                }
            }
        }
        if (hadDnsOrSrv) return false;
        for (String cn : commonNames(cert)) {
            if (dnsMatches(cn.toLowerCase(Locale.ROOT), want)) return true;
        }
        return false;
    }

    static boolean dnsMatches(String pattern, String domain) {
        if (pattern.endsWith(".")) pattern = pattern.substring(0, pattern.length() - 1);
        if (pattern.equals(domain)) return true;
        if (!pattern.startsWith("*.")) return false;
        int dot = domain.indexOf('.');
        // RFC 6125 §6.4.3: the wildcard stands for exactly one whole label, never the registered domain itself.
        return dot > 0 && pattern.substring(2).indexOf('.') > 0 && domain.substring(dot + 1).equals(pattern.substring(2));
    }

    private static List<String> commonNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) out.add(String.valueOf(rdn.getValue()));
            }
        } catch (InvalidNameException e) {
            // No usable subject.
        }
        return out;
    }

    /**
     * The type id and string value of an otherName, from the DER the JDK hands over: {@code [0] IMPLICIT SEQUENCE {
     * OID, [0] EXPLICIT UTF8String/IA5String }} (the JDK passes the whole GeneralName) or the bare SEQUENCE. Null when
     * it is anything else.
     */
    static String[] otherName(byte[] der) {
        try {
            Der d = new Der(der);
            int tag = d.tag();
            if (tag != 0xA0 && tag != 0x30) return null;
            Der seq = d.inner();
            if (seq.tag() != 0x06) return null;
            String oid = seq.oid();
            seq.skip();
            if (seq.tag() != 0xA0) return null;
            Der explicit = seq.inner();
            int vt = explicit.tag();
            if (vt != 0x0C && vt != 0x16) return null;
            return new String[] {oid, new String(explicit.content(), vt == 0x0C
                    ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII)};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Just enough DER: one element at a time. */
    private static final class Der {
        private final byte[] b;
        private int pos;
        private final int end;

        Der(byte[] b) {
            this(b, 0, b.length);
        }

        Der(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        int tag() {
            if (pos >= end) throw new IllegalArgumentException("end");
            return b[pos] & 0xFF;
        }

        private int[] lengthAt() {
            int p = pos + 1;
            int first = b[p++] & 0xFF;
            int len;
            if (first < 0x80) {
                len = first;
            } else {
                int n = first & 0x7F;
                if (n == 0 || n > 3) throw new IllegalArgumentException("length");
                len = 0;
                for (int i = 0; i < n; i++) len = (len << 8) | (b[p++] & 0xFF);
            }
            if (p + len > end) throw new IllegalArgumentException("overrun");
            return new int[] {p, len};
        }

        Der inner() {
            int[] l = lengthAt();
            return new Der(b, l[0], l[0] + l[1]);
        }

        byte[] content() {
            int[] l = lengthAt();
            byte[] out = new byte[l[1]];
            System.arraycopy(b, l[0], out, 0, l[1]);
            return out;
        }

        void skip() {
            int[] l = lengthAt();
            pos = l[0] + l[1];
        }

        String oid() {
            byte[] c = content();
            StringBuilder s = new StringBuilder();
            long v = 0;
            boolean first = true;
            for (byte x : c) {
                v = (v << 7) | (x & 0x7F);
                if ((x & 0x80) == 0) {
                    if (first) {
                        int a = (int) Math.min(2, v / 40);
                        s.append(a).append('.').append(v - 40L * a);
                        first = false;
                    } else {
                        s.append('.').append(v);
                    }
                    v = 0;
                }
            }
            return s.toString();
        }
    }
}
