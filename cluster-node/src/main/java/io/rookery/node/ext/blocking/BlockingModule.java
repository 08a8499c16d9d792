package io.rookery.node.ext.blocking;

import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.AddressKind;
import io.rookery.node.ext.BoundResource;
import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.PartKey;
import io.rookery.node.ext.ResourceFlags;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.persistence.blocking.JidsBlocked;
import io.rookery.persistence.blocking.JidsUnblocked;
import io.rookery.persistence.user.ImEventsRegistrar;
import io.rookery.persistence.user.UserEvent;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.blocking.BlockingCommand;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * XEP-0191: the blocklist get (§3.2), block (§3.3), unblock and unblock-all (§3.4, §3.5) as handlers of iq to the
 * user's own account, with pushes to the resources that asked for the blocklist ({@link ResourceFlags#BLOCKLIST});
 * its enforcement is {@link BlocklistFilter}. Blocking a contact allowed to see the user's presence sends it
 * unavailable from each available resource; unblocking sends the current presence again.
 */
public final class BlockingModule implements XmppModule {
    public static final PartKey<LinkedHashSet<String>> BLOCKLIST = new PartKey<>("blocking");
    private static final String NS = BlockingCommand.NS;
    private static final AtomicLong PUSH_IDS = new AtomicLong();

    @Override
    public void declare(ModuleContext context, Declarations d) {
        BlockingSettings settings = BlockingSettings.from(context.config());
        d.implementsXep(Xep.xep(191, "1.3", "blocking command"))
                .discoFeature(Discoverable.SERVER, NS)
                .kryoRegistrar(ImEventsRegistrar.class)
                .accountPart(BLOCKLIST, new BlocklistPart(), List.of(JidsBlocked.class, JidsUnblocked.class))
                .filter(BLOCKLIST, new BlocklistFilter())
                .iq(AddressKind.OWN_ACCOUNT, IqType.GET, "blocklist", NS, BlockingModule::blocklist)
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "block", NS, r -> block(r, settings.maxItems()))
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, "unblock", NS, BlockingModule::unblock);
        // A get of a command or a set of the list is not one of the protocol's requests (§3).
        for (String name : List.of("block", "unblock")) {
            d.iq(AddressKind.OWN_ACCOUNT, IqType.GET, name, NS, r -> IqOutcome.error(r.iq(),
                    StanzaErrorCondition.BAD_REQUEST));
        }
        d.iq(AddressKind.OWN_ACCOUNT, IqType.SET, "blocklist", NS, r -> IqOutcome.error(r.iq(),
                StanzaErrorCondition.BAD_REQUEST));
    }

    /** §3.2: the list; the requesting resource gets the pushes from now on. */
    private static IqOutcome blocklist(IqRequest r) {
        Element.Builder list = Element.builder("blocklist", NS);
        for (String jid : blocklistOf(r.account())) list.child(item(jid));
        return IqOutcome.result(r.iq(), list.build()).withFlags(ResourceFlags.BLOCKLIST, 0);
    }

    private static IqOutcome block(IqRequest r, int maxItems) {
        List<String> items = new ArrayList<>();
        StanzaErrorCondition refused = readItems(r.iq().elements().get(0), items);
        // §3.3: a block needs at least one item.
        if (refused == null && items.isEmpty()) refused = StanzaErrorCondition.BAD_REQUEST;
        if (refused != null) return IqOutcome.error(r.iq(), refused);
        Set<String> before = blocklistOf(r.account());
        Set<String> after = new LinkedHashSet<>(before);
        after.addAll(items);
        if (after.size() > maxItems) {
            return IqOutcome.reply(Stanzas.errorReply(r.iq(), StanzaError.of(StanzaErrorCondition.NOT_ACCEPTABLE,
                    "a blocklist may hold at most " + maxItems + " JIDs")));
        }
        List<String> added = items.stream().filter(j -> !before.contains(j)).toList();
        // §3.3: contacts allowed to see the user's presence now see the user go offline.
        List<Element> presences = new ArrayList<>();
        for (Jid contact : r.account().presenceSubscribers()) {
            if (!BlockingCommand.matches(before::contains, contact) && BlockingCommand.matches(after::contains, contact)) {
                for (BoundResource res : r.account().resources()) {
                    if (res.available()) presences.add(unavailable(r.account(), res.name(), contact));
                }
            }
        }
        return changed(r, added.isEmpty() ? null : new JidsBlocked(added), itemsElement("block", items), presences);
    }

    private static IqOutcome unblock(IqRequest r) {
        List<String> items = new ArrayList<>();
        StanzaErrorCondition refused = readItems(r.iq().elements().get(0), items);
        if (refused != null) return IqOutcome.error(r.iq(), refused);
        Set<String> before = blocklistOf(r.account());
        Set<String> after = new LinkedHashSet<>(before);
        // §3.5: an unblock without items empties the blocklist.
        if (items.isEmpty()) after.clear();
        else items.forEach(after::remove);
        UserEvent event = after.size() == before.size() ? null
                : new JidsUnblocked(items.isEmpty() ? List.of() : items.stream().filter(before::contains).toList());
        // §3.4: contacts allowed to see the user's presence get the current presence again.
        List<Element> presences = new ArrayList<>();
        for (Jid contact : r.account().presenceSubscribers()) {
            if (BlockingCommand.matches(before::contains, contact) && !BlockingCommand.matches(after::contains, contact)) {
                for (BoundResource res : r.account().resources()) {
                    if (res.available()) presences.add(res.presence().withAttr("to", contact.toString()));
                }
            }
        }
        return changed(r, event, itemsElement("unblock", items), presences);
    }

    /** The result, then the push to every resource that asked for the blocklist (§3.3, §3.4), then the presences. */
    private static IqOutcome changed(IqRequest r, UserEvent event, Element pushed, List<Element> presences) {
        List<HookOutcome.ToResource> pushes = new ArrayList<>();
        for (BoundResource res : r.account().resources()) {
            if (!res.has(ResourceFlags.BLOCKLIST)) continue;
            pushes.add(new HookOutcome.ToResource(res.name(), Element.builder("iq", Namespaces.CLIENT)
                    .attr("type", "set").attr("to", r.account().jid() + "/" + res.name())
                    .attr("id", "block" + Long.toHexString(PUSH_IDS.incrementAndGet())).child(pushed).build()));
        }
        return new IqOutcome(Stanzas.iqResult(r.iq(), null), event == null ? List.of() : List.of(event), presences)
                .withPushes(pushes);
    }

    private static Set<String> blocklistOf(AccountView account) {
        Set<String> list = account.part(BLOCKLIST);
        return list == null ? Set.of() : list;
    }

    private static Element unavailable(AccountView account, String resource, Jid to) {
        return Element.builder("presence", Namespaces.CLIENT).attr("from", account.jid() + "/" + resource)
                .attr("to", to.toString()).attr("type", "unavailable").build();
    }

    /** The items' JIDs, normalised (RFC 7622), in order and without repeats; null, or the error to answer. */
    private static StanzaErrorCondition readItems(Element command, List<String> into) {
        Set<String> seen = new LinkedHashSet<>();
        for (Element item : command.elements()) {
            if (!item.is("item", NS)) return StanzaErrorCondition.BAD_REQUEST;
            String jid = item.attr("jid");
            if (jid == null) return StanzaErrorCondition.BAD_REQUEST;
            try {
                seen.add(Jid.parse(jid).toString());
            } catch (InvalidJidException e) {
                return StanzaErrorCondition.JID_MALFORMED;
            }
        }
        into.addAll(seen);
        return null;
    }

    private static Element itemsElement(String name, List<String> jids) {
        Element.Builder b = Element.builder(name, NS);
        for (String jid : jids) b.child(item(jid));
        return b.build();
    }

    private static Element item(String jid) {
        return Element.builder("item", NS).attr("jid", jid).build();
    }
}
