package io.rookery.node.routing;

import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xml.Element;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The server's own iq handlers: XEP-0199 ping, XEP-0030 service discovery, XEP-0092 software version (1.1),
 * XEP-0202 entity time (2.0), XEP-0012 last activity (2.0, the server's uptime); everything else is unavailable.
 * Also the XEP-0115 (1.6) capabilities hash of the server's disco#info, offered as a stream feature.
 */
public final class ServerHandlers {
    public static final String VERSION = "jabber:iq:version";
    public static final String TIME = "urn:xmpp:time";
    public static final String LAST = "jabber:iq:last";
    public static final String CARBONS = "urn:xmpp:carbons:2";
    public static final String BLOCKING = "urn:xmpp:blocking";
    public static final String CAPS = "http://jabber.org/protocol/caps";
    /** XEP-0115 §4: a URI naming the software. */
    public static final String CAPS_NODE = "https://rookery.io";

    private static final String NAME = "Rookery";
    /** XEP-0115 §5.1 form of the one identity: category/type/lang/name. */
    private static final String IDENTITY = "server/im//" + NAME;

    private final List<String> features;
    private final Instant startedAt;
    private final Clock clock;
    private final String version;
    private final String capsVer;

    /** Handlers of a node starting now. */
    public ServerHandlers(boolean registrationEnabled) {
        this(registrationEnabled, Clock.systemUTC().instant(), Clock.systemUTC());
    }

    /** @param startedAt when the node started: XEP-0012 asks the server for its uptime */
    public ServerHandlers(boolean registrationEnabled, Instant startedAt, Clock clock) {
        List<String> f = new ArrayList<>(List.of(Namespaces.DISCO_INFO, Namespaces.DISCO_ITEMS, Namespaces.PING,
                VERSION, TIME, LAST, CARBONS, BLOCKING));
        if (registrationEnabled) f.add(Namespaces.REGISTER);
        this.features = List.copyOf(f);
        this.startedAt = startedAt;
        this.clock = clock;
        String v = ServerHandlers.class.getPackage().getImplementationVersion();
        this.version = v == null || v.isBlank() ? "dev" : v;
        this.capsVer = capsVer(List.of(IDENTITY), features);
    }

    public List<String> features() {
        return features;
    }

    /** XEP-0115 §5.1 verification string of the server's disco#info. */
    public String capsVer() {
        return capsVer;
    }

    /** XEP-0115 §6.3: the {@code <c/>} stream feature, offered once the stream is authenticated. */
    public String capsStreamFeature() {
        return "<c xmlns='" + CAPS + "' hash='sha-1' node='" + CAPS_NODE + "' ver='" + capsVer + "'/>";
    }

    /**
     * XEP-0115 §5.1: identities "category/type/lang/name" sorted, each followed by '<', then the features sorted,
     * each followed by '<'; SHA-1 of the UTF-8 bytes, base64. No extended information (data forms) is hashed.
     */
    public static String capsVer(List<String> identities, List<String> features) {
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

    /** Answer to an iq get/set addressed to the server's domain. */
    public Element serverIq(Element iq) {
        Element payload = iq.elements().isEmpty() ? null : iq.elements().get(0);
        String type = iq.attr("type");
        if (payload != null && "get".equals(type)) {
            if (payload.is("ping", Namespaces.PING)) {
                return Stanzas.iqResult(iq, null);
            }
            if (payload.is("query", Namespaces.DISCO_INFO)) {
                String node = payload.attr("node");
                // XEP-0115 §6.2: the node#ver of the caps feature names this same information.
                if (node == null) return Stanzas.iqResult(iq, discoInfo(null));
                if (node.equals(CAPS_NODE + "#" + capsVer)) return Stanzas.iqResult(iq, discoInfo(node));
            }
            if (payload.is("query", Namespaces.DISCO_ITEMS) && payload.attr("node") == null) {
                return Stanzas.iqResult(iq, Element.of("query", Namespaces.DISCO_ITEMS));
            }
            if (payload.is("query", VERSION)) {
                // XEP-0092 §2; the os is optional (§5 lets an administrator hide it), here it is shown.
                return Stanzas.iqResult(iq, Element.builder("query", VERSION)
                        .child(Element.builder("name", VERSION).text(NAME).build())
                        .child(Element.builder("version", VERSION).text(version).build())
                        .child(Element.builder("os", VERSION).text(System.getProperty("os.name", "unknown")).build())
                        .build());
            }
            if (payload.is("time", TIME)) {
                // XEP-0202 §3: the server keeps UTC; XEP-0082 DateTime with 'Z'.
                return Stanzas.iqResult(iq, Element.builder("time", TIME)
                        .child(Element.builder("tzo", TIME).text("+00:00").build())
                        .child(Element.builder("utc", TIME)
                                .text(clock.instant().truncatedTo(ChronoUnit.SECONDS).toString()).build())
                        .build());
            }
            if (payload.is("query", LAST)) {
                // XEP-0012 §5: the last activity of a server is the time since it started.
                return lastActivityResult(iq, Duration.between(startedAt, clock.instant()).toSeconds());
            }
        }
        return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE));
    }

    private Element discoInfo(String node) {
        Element.Builder q = Element.builder("query", Namespaces.DISCO_INFO);
        if (node != null) q.attr("node", node);
        q.child(Element.builder("identity", Namespaces.DISCO_INFO)
                .attr("category", "server").attr("type", "im").attr("name", NAME).build());
        for (String f : features) {
            q.child(Element.builder("feature", Namespaces.DISCO_INFO).attr("var", f).build());
        }
        return q.build();
    }

    /** XEP-0012 result: {@code <query xmlns='jabber:iq:last' seconds='N'/>}. */
    public static Element lastActivityResult(Element iq, long seconds) {
        return Stanzas.iqResult(iq, Element.builder("query", LAST).attr("seconds", Long.toString(Math.max(0, seconds)))
                .build());
    }

    /** Answer to an iq get/set addressed to an account's bare JID (RFC 6121 §8.5.2.1.3). */
    public static Element accountIq(Element iq) {
        Element payload = iq.elements().isEmpty() ? null : iq.elements().get(0);
        if (payload != null && "get".equals(iq.attr("type"))) {
            if ("ping".equals(payload.name()) && Namespaces.PING.equals(payload.namespace())) {
                return Stanzas.iqResult(iq, null);
            }
            if ("query".equals(payload.name()) && Namespaces.DISCO_INFO.equals(payload.namespace())
                    && payload.attr("node") == null) {
                return Stanzas.iqResult(iq, Element.builder("query", Namespaces.DISCO_INFO)
                        .child(Element.builder("identity", Namespaces.DISCO_INFO)
                                .attr("category", "account").attr("type", "registered").build())
                        .child(Element.builder("feature", Namespaces.DISCO_INFO)
                                .attr("var", Namespaces.DISCO_INFO).build())
                        .child(Element.builder("feature", Namespaces.DISCO_INFO)
                                .attr("var", Namespaces.DISCO_ITEMS).build())
                        .child(Element.builder("feature", Namespaces.DISCO_INFO).attr("var", LAST).build())
                        .build());
            }
            if ("query".equals(payload.name()) && Namespaces.DISCO_ITEMS.equals(payload.namespace())
                    && payload.attr("node") == null) {
                // XEP-0030: an account publishes no items of its own here.
                return Stanzas.iqResult(iq, Element.of("query", Namespaces.DISCO_ITEMS));
            }
        }
        return Stanzas.errorReply(iq, StanzaError.of(StanzaErrorCondition.SERVICE_UNAVAILABLE));
    }
}
