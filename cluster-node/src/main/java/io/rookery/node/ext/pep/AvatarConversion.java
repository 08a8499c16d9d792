package io.rookery.node.ext.pep;

import io.rookery.node.ext.AccountPart;
import io.rookery.node.ext.AccountView;
import io.rookery.node.ext.HookOutcome;
import io.rookery.node.ext.IqOutcome;
import io.rookery.node.ext.IqRequest;
import io.rookery.node.ext.IqType;
import io.rookery.node.ext.PartLookup;
import io.rookery.node.ext.vcard.VCardModule;
import io.rookery.persistence.kryo.KryoSerializable;
import io.rookery.persistence.pep.AvatarHash;
import io.rookery.persistence.pep.AvatarHashSet;
import io.rookery.persistence.pep.PepNodeConfigured;
import io.rookery.persistence.pubsub.ItemStore;
import io.rookery.persistence.user.UserEvent;
import io.rookery.persistence.user.UserSnapshotV2;
import io.rookery.persistence.vcard.VCardStored;
import io.rookery.protocol.xep.pubsub.NodeConfig;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xep.vcard.VCard;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * XEP-0398 0.2.1: XEP-0084 avatars and XEP-0153 vCard avatars kept as one. A publish to the avatar metadata node
 * puts the image its data node holds into the vCard's PHOTO (§3.1, the SHA-1 checked against the id); a vCard set
 * with a PHOTO publishes it to the data and metadata nodes, notified (§3.2); and every available presence the user's
 * sessions send, broadcast or directed, carries the image's hash in {@code <x xmlns='vcard-temp:x:update'/>} (§4),
 * unless it holds a photo element of its own. The hash is a part of the account that each session keeps a copy of.
 */
final class AvatarConversion {
    static final String FEATURE = "urn:xmpp:pep-vcard-conversion:0";
    static final String DATA = "urn:xmpp:avatar:data";
    static final String METADATA = "urn:xmpp:avatar:metadata";
    static final String UPDATE = "vcard-temp:x:update";
    /** The avatar's hash (hex SHA-1), null when none: persisted, and copied into each session. */
    static final io.rookery.node.ext.PartKey<String> HASH = new io.rookery.node.ext.PartKey<>("avatar-hash");

    private final Pep pep;

    AvatarConversion(Pep pep) {
        this.pep = pep;
    }

    /** The hash as the account keeps it. */
    static final class HashPart implements AccountPart<String> {
        @Override
        public Class<? extends KryoSerializable> snapshotType() {
            return AvatarHash.class;
        }

        @Override
        public String apply(String hash, UserEvent event) {
            if (event instanceof AvatarHashSet e) return e.sha1().isEmpty() ? null : e.sha1();
            return hash;
        }

        @Override
        public KryoSerializable snapshot(String hash) {
            return hash == null ? null : new AvatarHash(hash);
        }

        @Override
        public String restore(KryoSerializable snapshot) {
            return ((AvatarHash) snapshot).sha1();
        }

        @Override
        public String fromV2(UserSnapshotV2 old) {
            return null;
        }
    }

    /** §4: the hash into an available presence without a photo of its own (an empty x is replaced). */
    static Element stamp(PartLookup session, Element presence) {
        String hash = session.part(HASH);
        if (hash == null) return presence;
        Element x = presence.child("x", UPDATE);
        if (x != null && x.child("photo", UPDATE) != null) return presence;
        List<Node> children = new ArrayList<>(presence.children().size() + 1);
        for (Node n : presence.children()) if (n != x) children.add(n);
        children.add(Element.builder("x", UPDATE)
                .child(Element.builder("photo", UPDATE).text(hash).build()).build());
        return presence.withChildren(children);
    }

    /**
     * §3.1, after a publish to the metadata node is stored (prepared now, on the account's thread): the image the
     * chosen info points at, read from the data node, becomes the vCard's PHOTO; metadata without info removes it.
     * Nothing changes when the image is missing, does not match its id, or would make the vCard too large.
     */
    Function<Void, CompletionStage<BookmarksCompat.Added>> afterMetadata(IqRequest r, Element metadata) {
        String service = r.account().jid().toString();
        String vcard = r.account().part(VCardModule.VCARD);
        String current = r.account().part(HASH);
        Element info = null;
        if (metadata != null) {
            for (Element i : metadata.children("info", METADATA)) {
                if (i.attr("url") == null && i.attr("id") != null) {
                    info = i;
                    break;
                }
            }
        }
        Element chosen = info;
        return v -> {
            BookmarksCompat.Added added = BookmarksCompat.Added.none();
            if (chosen == null) {
                if (current != null) {
                    added.events().add(new VCardStored(StoredXml.write(withPhoto(vcard, null, null))));
                    added.events().add(new AvatarHashSet(""));
                }
                return CompletableFuture.completedFuture(added);
            }
            String id = chosen.attr("id").toLowerCase(java.util.Locale.ROOT);
            if (id.equals(current)) return CompletableFuture.completedFuture(added);
            return pep.items().byIds(service, DATA, List.of(chosen.attr("id"))).thenApply(items -> {
                byte[] image = items.isEmpty() ? null : imageOf(items.get(0));
                if (image == null || !id.equals(sha1(image))) return added;
                String type = chosen.attr("type") == null ? "image/png" : chosen.attr("type");
                String xml = StoredXml.write(withPhoto(vcard, type, Base64.getEncoder().encodeToString(image)));
                if (xml.getBytes(StandardCharsets.UTF_8).length > VCardModule.MAX_BYTES) return added;
                added.events().add(new VCardStored(xml));
                added.events().add(new AvatarHashSet(id));
                return added;
            });
        };
    }

    /**
     * §3.2, following a vCard set: a PHOTO with an image publishes it to the data node and its info to the
     * metadata node (the nodes created when missing), notified to the resources that ask; no PHOTO any more
     * publishes metadata without info (XEP-0084 §4.8: the avatar is switched off).
     */
    IqOutcome followVCard(IqRequest r, IqOutcome outcome) {
        if (r.type() != IqType.SET || outcome.later() != null || outcome.reply() == null
                || "error".equals(outcome.reply().attr("type"))) {
            return outcome;
        }
        AccountView account = r.account();
        String current = account.part(HASH);
        Element photo = r.payload().child("PHOTO", VCard.NS);
        String binval = photo == null ? null : photo.childText("BINVAL", VCard.NS);
        byte[] image;
        try {
            image = binval == null || binval.isBlank() ? null : Base64.getMimeDecoder().decode(binval);
        } catch (IllegalArgumentException e) {
            return outcome;
        }
        if (image == null && current == null) return outcome;
        String id = image == null ? "" : sha1(image);
        if (id.equals(current)) return outcome;
        String type = photo == null || photo.childText("TYPE", VCard.NS) == null ? "image/png"
                : photo.childText("TYPE", VCard.NS).trim();
        String service = account.jid().toString();
        String publisher = r.iq().attr("from");
        List<UserEvent> events = new ArrayList<>(outcome.persist());
        HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
        PepNode data = node(nodes, DATA, events);
        PepNode meta = node(nodes, METADATA, events);
        List<String> to = pep.recipients(account, METADATA, meta);
        events.add(new AvatarHashSet(id));
        Element metadata = image == null ? Element.of("metadata", METADATA)
                : Element.builder("metadata", METADATA).child(Element.builder("info", METADATA).attr("id", id)
                        .attr("bytes", Integer.toString(image.length)).attr("type", type).build()).build();
        long at = System.currentTimeMillis();
        ItemStore.Item metaItem = new ItemStore.Item(image == null ? "current" : id, publisher, at,
                StoredXml.write(metadata));
        CompletionStage<Void> written = image == null ? CompletableFuture.completedFuture(null)
                : pep.items().publish(service, DATA, new ItemStore.Item(id, publisher, at, StoredXml.write(
                        Element.builder("data", DATA).text(Base64.getEncoder().encodeToString(image)).build())),
                        maxItems(data));
        CompletionStage<Void> both = written.thenCompose(v -> pep.items().publish(service, METADATA, metaItem,
                maxItems(meta)));
        return IqOutcome.later(both.handle((v, failure) -> {
            if (failure != null) {
                pep.storeErrors.inc();
                // The vCard is stored all the same; the nodes and the hash follow the next change.
                return new IqOutcome(outcome.reply(), outcome.persist(), outcome.route())
                        .withPushes(outcome.toResources());
            }
            List<Element> route = new ArrayList<>(outcome.route());
            List<HookOutcome.ToResource> mine = new ArrayList<>(outcome.toResources());
            pep.addressed(service, to, meta, PubSub.itemsEvent(METADATA, List.of(Pep.itemElement(PubSub.EVENT,
                    metaItem, meta.config().deliverPayloads()))), route, mine);
            return new IqOutcome(outcome.reply(), events, route).withPushes(mine);
        }));
    }

    /** The node as the account has it, or created with XEP-0163's defaults (its event added). */
    private static PepNode node(HashMap<String, PepNode> nodes, String name, List<UserEvent> events) {
        PepNode n = nodes == null ? null : nodes.get(name);
        if (n != null) return n;
        events.add(new PepNodeConfigured(name, NodeConfig.PEP_DEFAULT.toMap()));
        return new PepNode(NodeConfig.PEP_DEFAULT, Map.of());
    }

    private int maxItems(PepNode n) {
        return Math.min(n.config().maxItems(), pep.settings.maxItems());
    }

    /** The vCard (an empty one when there is none) with its PHOTO replaced, or removed when type is null. */
    private static Element withPhoto(String vcardXml, String type, String binval) {
        Element vcard = vcardXml == null ? Element.of(VCard.ELEMENT, VCard.NS) : StoredXml.parse(vcardXml);
        List<Node> children = new ArrayList<>();
        for (Node n : vcard.children()) {
            if (!(n instanceof Element e && e.is("PHOTO", VCard.NS))) children.add(n);
        }
        if (type != null) {
            children.add(Element.builder("PHOTO", VCard.NS)
                    .child(Element.builder("TYPE", VCard.NS).text(type).build())
                    .child(Element.builder("BINVAL", VCard.NS).text(binval).build()).build());
        }
        return vcard.withChildren(children);
    }

    private static byte[] imageOf(ItemStore.Item item) {
        if (item.payloadXml() == null) return null;
        try {
            Element data = StoredXml.parse(item.payloadXml());
            if (!data.is("data", DATA)) return null;
            return Base64.getMimeDecoder().decode(data.text());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
