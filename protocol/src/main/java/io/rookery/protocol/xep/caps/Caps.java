package io.rookery.protocol.xep.caps;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/** XEP-0115: the capabilities hash of a disco#info and the {@code <c/>} element that carries it. */
public final class Caps {
    public static final String NS = "http://jabber.org/protocol/caps";

    private Caps() {}

    /**
     * §5.1: identities "category/type/lang/name" sorted, each followed by '<', then the features sorted, each
     * followed by '<'; SHA-1 of the UTF-8 bytes, base64. No extended information (data forms) is hashed.
     */
    public static String ver(List<String> identities, List<String> features) {
        StringBuilder s = new StringBuilder(256);
        identities.stream().sorted().forEach(i -> s.append(i).append('<'));
        features.stream().sorted().forEach(f -> s.append(f).append('<'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }

    /** §4: {@code <c xmlns='…caps' hash='sha-1' node='…' ver='…'/>}, as serialized XML. */
    public static String element(String node, String ver) {
        return "<c xmlns='" + NS + "' hash='sha-1' node='" + node + "' ver='" + ver + "'/>";
    }
}
