package io.rookery.node.it.s2s;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throwaway certificate authority for federation tests: server certificates for XMPP domains as RFC 6120 §13.7.1.2
 * describes them (subjectAltName dNSName {@code domain} and {@code *.domain}, and an id-on-xmppAddr otherName), in
 * the shapes the peers want: PEM chain and PEM key (Prosody), one PEM with key and chain (ejabberd), a PKCS12
 * keystore (Rookery). Keys are EC P-256 (fast to make; every peer here accepts them). Certificates also carry
 * clientAuth, since a server presents the same certificate when it opens an s2s connection.
 */
public final class TestCa {
    /** RFC 6120 §13.7.1.4: id-on-xmppAddr. */
    public static final ASN1ObjectIdentifier ID_ON_XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");
    public static final String PASSWORD = "changeit";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate caCert;
    private final Path caPem;
    private final Path trustStore;

    /**
     * A server certificate and its files. {@code chainPem} holds the leaf then the CA (none for a self-signed one);
     * {@code bundlePem} holds the key then the chain.
     */
    public record Issued(String domain, X509Certificate certificate, PrivateKey privateKey, Path chainPem,
            Path keyPem, Path bundlePem, Path keystore, String keystorePassword) {}

    private TestCa(Path dir, KeyPair caKeys, X509Certificate caCert, Path caPem, Path trustStore) {
        this.dir = dir;
        this.caKeys = caKeys;
        this.caCert = caCert;
        this.caPem = caPem;
        this.trustStore = trustStore;
    }

    /** A new CA whose files (ca.pem, truststore.p12, one folder per issued certificate) go under {@code dir}. */
    public static TestCa create(Path dir) throws Exception {
        Files.createDirectories(dir);
        KeyPair keys = newKeys();
        X500Name name = new X500Name("CN=Rookery Test CA " + SERIAL.incrementAndGet());
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
                keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        X509Certificate cert = sign(b, keys.getPrivate());
        Path caPem = dir.resolve("ca.pem");
        Files.writeString(caPem, pem(cert));
        Path trust = dir.resolve("truststore.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("test-ca", cert);
        try (OutputStream out = Files.newOutputStream(trust)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        return new TestCa(dir, keys, cert, caPem, trust);
    }

    public X509Certificate caCertificate() {
        return caCert;
    }

    /** The CA certificate as PEM (Prosody's {@code cafile}, ejabberd's {@code ca_file}). */
    public Path caPem() {
        return caPem;
    }

    /** A PKCS12 truststore holding only the CA, with password {@link #trustStorePassword()}. */
    public Path trustStore() {
        return trustStore;
    }

    public String trustStorePassword() {
        return PASSWORD;
    }

    /** A trust manager that trusts this CA only (Smack's {@code setCustomX509TrustManager}). */
    public X509TrustManager trustManager() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("test-ca", caCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) return x;
        }
        throw new IllegalStateException("no X509TrustManager");
    }

    /** A client TLS context trusting this CA only. */
    public SSLContext clientContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {trustManager()}, null);
        return ctx;
    }

    /**
     * A certificate for {@code domain} signed by this CA, valid from yesterday for 30 days, with the RFC 6120 names:
     * dNSName {@code domain} and {@code *.domain}, and an id-on-xmppAddr otherName {@code domain}.
     *
     * <p>ejabberd 23.01 cannot verify such a certificate: see {@link #issueWithoutXmppAddr(String)}.
     */
    public Issued issue(String domain) throws Exception {
        Instant now = Instant.now();
        return issue(domain, domain, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)), false, true);
    }

    /**
     * Like {@link #issue(String)} but with the dNSNames only, no id-on-xmppAddr.
     *
     * <p>COMPAT ejabberd 23.01 (p1_xmpp 1.6.1, still so in p1_xmpp's master in 2024): when it verifies the
     * certificate of another server (SASL EXTERNAL on an incoming s2s stream), {@code
     * xmpp_stream_pkix:get_domains_from_san/1} returns a binary instead of a list for an xmppAddr otherName, and
     * {@code lists:flatmap} fails with {@code badarg} ({@code <<"prosody.test">> ++ []}): the stream's process
     * crashes and the connection closes without a stream error. A server that federates with ejabberd over
     * certificates must present one without xmppAddr.
     */
    public Issued issueWithoutXmppAddr(String domain) throws Exception {
        Instant now = Instant.now();
        return issue(domain, domain + "-dns-only", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                false, false);
    }

    /** A self-signed certificate for {@code domain}, not from this CA (for "untrusted certificate" tests). */
    public Issued issueSelfSigned(String domain) throws Exception {
        Instant now = Instant.now();
        return issue(domain, domain + "-selfsigned", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)),
                true, true);
    }

    /** A certificate for {@code domain} from this CA that expired yesterday. */
    public Issued issueExpired(String domain) throws Exception {
        Instant now = Instant.now();
        return issue(domain, domain + "-expired", now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)),
                false, true);
    }

    private Issued issue(String domain, String folder, Instant notBefore, Instant notAfter, boolean selfSigned,
            boolean withXmppAddr) throws Exception {
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + domain);
        X500Name issuer = selfSigned ? subject : X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore),
                Date.from(notAfter), subject, keys.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        PublicKey issuerKey = selfSigned ? keys.getPublic() : caKeys.getPublic();
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerKey));
        // RFC 6120 §13.7.1.4: otherName id-on-xmppAddr, value [0] EXPLICIT UTF8String.
        GeneralName xmppAddr = new GeneralName(GeneralName.otherName,
                new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[] {
                        ID_ON_XMPP_ADDR, new DERTaggedObject(true, 0, new DERUTF8String(domain))}));
        GeneralName[] names = withXmppAddr
                ? new GeneralName[] {new GeneralName(GeneralName.dNSName, domain),
                        new GeneralName(GeneralName.dNSName, "*." + domain), xmppAddr}
                : new GeneralName[] {new GeneralName(GeneralName.dNSName, domain),
                        new GeneralName(GeneralName.dNSName, "*." + domain)};
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        X509Certificate cert = sign(b, selfSigned ? keys.getPrivate() : caKeys.getPrivate());

        Path d = dir.resolve(folder);
        Files.createDirectories(d);
        String chain = selfSigned ? pem(cert) : pem(cert) + pem(caCert);
        String key = keyPem(keys);
        Path chainPem = d.resolve(domain + ".crt");
        Path keyPem = d.resolve(domain + ".key");
        Path bundlePem = d.resolve(domain + ".pem");
        Files.writeString(chainPem, chain);
        Files.writeString(keyPem, key);
        Files.writeString(bundlePem, key + chain);
        Path keystore = d.resolve(domain + ".p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        Certificate[] certChain = selfSigned ? new Certificate[] {cert} : new Certificate[] {cert, caCert};
        ks.setKeyEntry(domain, keys.getPrivate(), PASSWORD.toCharArray(), certChain);
        try (OutputStream out = Files.newOutputStream(keystore)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        return new Issued(domain, cert, keys.getPrivate(), chainPem, keyPem, bundlePem, keystore, PASSWORD);
    }

    private static KeyPair newKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws Exception {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    /**
     * The key as SEC1 "EC PRIVATE KEY" with its curve and public key inside: ejabberd (Erlang's public_key) matches
     * a key to its certificate through the public key, and the JDK's PKCS#8 encoding of an EC key omits it ("no
     * matching private key found for this certificate").
     */
    private static String keyPem(KeyPair keys) throws IOException {
        PrivateKeyInfo pki = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        java.security.interfaces.ECPrivateKey k = (java.security.interfaces.ECPrivateKey) keys.getPrivate();
        ECPrivateKey sec1 = new ECPrivateKey(k.getParams().getOrder().bitLength(), k.getS(),
                spki.getPublicKeyData(), pki.getPrivateKeyAlgorithm().getParameters());
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
        }
        return w.toString();
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }
}
