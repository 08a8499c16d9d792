package io.rookery.protocol.xep.bytestreams;

import io.rookery.protocol.xml.Element;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** XEP-0065 1.8.2: what a bytestreams proxy (§6) says and the address both parties give it. */
public final class Bytestreams {
    public static final String NS = "http://jabber.org/protocol/bytestreams";

    private Bytestreams() {}

    /** §6.3.2: the proxy's network address, in the answer to a query. */
    public static Element streamHost(String jid, String host, int port) {
        return Element.builder("query", NS).child(Element.builder("streamhost", NS).attr("jid", jid)
                .attr("host", host).attr("port", Integer.toString(port)).build()).build();
    }

    /**
     * §5.3.2: the DST.ADDR both parties send the proxy in their SOCKS5 CONNECT, SHA-1 of the stream id, the
     * requester's full JID and the target's full JID (as the requester wrote them), in lower-case hex.
     */
    public static String address(String sid, String requester, String target) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest((sid + requester + target).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }
}
