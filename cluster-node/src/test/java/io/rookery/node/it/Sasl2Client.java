package io.rookery.node.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A client written from XEP-0388 (SASL2), XEP-0386 (Bind 2) and RFC 5802/7677 (SCRAM-SHA-256), speaking literal XML
 * over a {@link RawClient}: no library of ours or anyone's stands between the test and the wire.
 */
final class Sasl2Client {
    static final String SASL2 = "urn:xmpp:sasl:2";
    static final String BIND2 = "urn:xmpp:bind:0";
    static final String SM = "urn:xmpp:sm:3";
    static final Duration WAIT = Duration.ofSeconds(10);

    final RawClient raw;
    /** What the server had sent when the last SASL2 exchange ended (its success or failure included). */
    String outcome;
    private byte[] serverSignature;

    Sasl2Client(RawClient raw) {
        this.raw = raw;
    }

    /** Opens the stream (the bare JID in 'from', as §2.1 asks) and returns the features. */
    String open(String user) throws IOException {
        raw.send("<?xml version='1.0'?><stream:stream from='" + user + "@localhost' to='localhost' version='1.0' "
                + "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
        return raw.await("</stream:features>", WAIT);
    }

    /**
     * SCRAM-SHA-256 through SASL2 with these inline children of {@code <authenticate/>} (user agent, bind, resume...);
     * returns everything received up to the end of the outcome: a success followed by its stream features, or a
     * failure.
     */
    String scram(String user, String password, String inline) throws Exception {
        int from = raw.text().length();
        String nonce = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(18));
        String bare = "n=" + user + ",r=" + nonce;
        raw.send("<authenticate xmlns='" + SASL2 + "' mechanism='SCRAM-SHA-256'><initial-response>"
                + b64("n,," + bare) + "</initial-response>" + inline + "</authenticate>");
        String got = raw.awaitUntil(t -> t.indexOf("</challenge>", from) >= 0 || t.indexOf("</failure>", from) >= 0,
                WAIT);
        if (got.indexOf("</failure>", from) >= 0) return outcome = got.substring(from);
        String serverFirst = new String(Base64.getDecoder().decode(between(got.substring(from), "<challenge xmlns='"
                + SASL2 + "'>", "</challenge>")), StandardCharsets.UTF_8);
        String r = attr(serverFirst, "r");
        byte[] salt = Base64.getDecoder().decode(attr(serverFirst, "s"));
        int iterations = Integer.parseInt(attr(serverFirst, "i"));
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
        String withoutProof = "c=biws,r=" + r;
        String authMessage = bare + "," + serverFirst + "," + withoutProof;
        byte[] signature = hmac(storedKey, authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
        serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
        int second = raw.text().length();
        raw.send("<response xmlns='" + SASL2 + "'>" + b64(withoutProof + ",p="
                + Base64.getEncoder().encodeToString(proof)) + "</response>");
        got = raw.awaitUntil(t -> t.indexOf("</stream:features>", second) >= 0 || t.indexOf("</failure>", second) >= 0,
                WAIT);
        return outcome = got.substring(from);
    }

    /** RFC 5802 §3: the success's additional data is the server's signature, "v=" + base64. */
    boolean serverProvedItself() {
        String data = between(outcome, "<additional-data>", "</additional-data>");
        if (data == null) return false;
        String v = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
        return v.equals("v=" + Base64.getEncoder().encodeToString(serverSignature));
    }

    /** The success's authorization identifier, or null. */
    String authorizationIdentifier() {
        return between(outcome, "<authorization-identifier>", "</authorization-identifier>");
    }

    static String userAgent(String id) {
        return "<user-agent id='" + id + "'><software>rookery-test</software><device>junit</device></user-agent>";
    }

    static String between(String text, String start, String end) {
        int i = text.indexOf(start);
        if (i < 0) return null;
        int j = text.indexOf(end, i + start.length());
        return j < 0 ? null : text.substring(i + start.length(), j);
    }

    /** The value of an attribute of the first element that has it, in single quotes as the server writes it. */
    static String xmlAttr(String text, String element, String name) {
        Matcher m = Pattern.compile("<" + element + "\\b[^>]*\\b" + name + "='([^']*)'").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String attr(String scram, String name) {
        for (String part : scram.split(",")) {
            if (part.startsWith(name + "=")) return part.substring(name.length() + 1);
        }
        throw new AssertionError("no " + name + " in " + scram);
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
