package io.rookery.node.ext.privatexml;

import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.user.ImEventsRegistrar;
import io.rookery.persistence.privatexml.PrivateXmlStored;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.privatexml.PrivateStorage;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The user stores elements under their qualified name and reads them back; nobody else may do either (§2.3,
 * forbidden). Refused with not-acceptable (§2.3): a query without a child, children in the reserved namespaces
 * {@code jabber:client}, {@code jabber:server} and {@code jabber:iq:private} (which is also what a child written
 * without its own xmlns inherits), a set larger than {@link #MAX_BYTES}, and one after which the account would store
 * more than {@code rookery.modules.privatexml.max-total-bytes} in all.
 */
public final class PrivateXmlModule implements XmppModule {
    public static final PartKey<LinkedHashMap<String, String>> ENTRIES = new PartKey<>("privatexml");

    /**
     * The largest set accepted, all its children serialized. Everything stored stays in the entity's memory and
     * journal; bookmarks and client preferences, the common uses, are a few KiB.
     */
    public static final int MAX_BYTES = 64 * 1024;

    private static final Set<String> RESERVED = Set.of(Namespaces.CLIENT, Namespaces.SERVER, PrivateStorage.NS);

    @Override
    public void declare(ModuleContext context, Declarations d) {
        long maxTotal = context.config().getBytes("max-total-bytes");
        if (maxTotal < MAX_BYTES || maxTotal > (64L << 20)) {
            throw new com.typesafe.config.ConfigException.BadValue("rookery.modules.privatexml.max-total-bytes",
                    "must be between 64 KiB and 64 MiB");
        }
        io.prometheus.metrics.core.metrics.Counter refused = io.prometheus.metrics.core.metrics.Counter.builder()
                .name("xmpp_private_xml_refused_total")
                .help("Private XML sets refused because the account's storage would pass max-total-bytes")
                .register(context.metrics());
        d.implementsXep(Xep.xep(49, "1.2", "private XML storage (64 KiB per set, 1 MiB per account)"))
                .kryoRegistrar(ImEventsRegistrar.class)
                .accountPart(ENTRIES, new PrivateXmlPart(), List.of(PrivateXmlStored.class))
                .iq(AddressKind.OWN_ACCOUNT, IqType.GET, "query", PrivateStorage.NS, r -> own(r, maxTotal, refused))
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "query", PrivateStorage.NS, r -> own(r, maxTotal, refused));
        // Private data belongs to its owner alone: anyone else asking at the user's bare JID is refused.
        for (IqType type : IqType.values()) {
            d.iq(AddressKind.OTHER_ACCOUNT, type, "query", PrivateStorage.NS,
                    r -> IqOutcome.error(r.iq(), StanzaErrorCondition.FORBIDDEN));
        }
    }

    static String key(Element e) {
        return e.name() + " " + e.namespace();
    }

    private static IqOutcome own(IqRequest r, long maxTotal, io.prometheus.metrics.core.metrics.Counter full) {
        List<Element> children = r.payload().elements();
        StanzaErrorCondition refused = check(r.type() == IqType.SET, children);
        if (refused != null) return IqOutcome.error(r.iq(), refused);
        if (r.type() == IqType.GET) {
            LinkedHashMap<String, String> stored = r.account().part(ENTRIES);
            Element.Builder query = Element.builder("query", PrivateStorage.NS);
            for (Element asked : children) {
                String xml = stored == null ? null : stored.get(key(asked));
                // Nothing stored: the element as asked for, empty (§2.3 example of a get).
                query.child(xml == null ? Element.of(asked.name(), asked.namespace()) : StoredXml.parse(xml));
            }
            return IqOutcome.result(r.iq(), query.build());
        }
        List<UserEvent> events = new ArrayList<>(children.size());
        for (Element e : children) events.add(new PrivateXmlStored(key(e), StoredXml.write(e)));
        if (totalAfter(r.account().part(ENTRIES), events) > maxTotal) {
            full.inc();
            return IqOutcome.error(r.iq(), StanzaErrorCondition.NOT_ACCEPTABLE);
        }
        return new IqOutcome(Stanzas.iqResult(r.iq(), null), events, List.of());
    }

    /** What the account would store in all, in characters, once these are stored (each replacing its key's). */
    static long totalAfter(java.util.Map<String, String> stored, List<UserEvent> events) {
        java.util.Map<String, String> after = stored == null ? new java.util.HashMap<>() : new java.util.HashMap<>(stored);
        for (UserEvent e : events) {
            PrivateXmlStored p = (PrivateXmlStored) e;
            after.put(p.key(), p.xml());
        }
        long total = 0;
        for (java.util.Map.Entry<String, String> entry : after.entrySet()) {
            total += entry.getKey().length() + (entry.getValue() == null ? 0 : entry.getValue().length());
        }
        return total;
    }

    private static StanzaErrorCondition check(boolean set, List<Element> children) {
        if (children.isEmpty()) return StanzaErrorCondition.NOT_ACCEPTABLE;
        for (Element e : children) if (RESERVED.contains(e.namespace())) return StanzaErrorCondition.NOT_ACCEPTABLE;
        if (!set) return null;
        int bytes = 0;
        for (Element e : children) bytes += StoredXml.write(e).getBytes(StandardCharsets.UTF_8).length;
        return bytes > MAX_BYTES ? StanzaErrorCondition.NOT_ACCEPTABLE : null;
    }
}
