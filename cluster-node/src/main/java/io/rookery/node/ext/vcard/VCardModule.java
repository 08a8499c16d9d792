package io.rookery.node.ext.vcard;

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
import io.rookery.persistence.vcard.VCardStored;
import io.rookery.protocol.stanza.StanzaError;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.stanza.Stanzas;
import io.rookery.protocol.xep.vcard.VCard;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.StoredXml;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The user reads and replaces their own vCard (§3.1, §3.2); anyone else may read it with a get to the user's bare
 * JID, which the server answers on the user's behalf (§3.3); only the user may set it.
 */
public final class VCardModule implements XmppModule {
    public static final PartKey<String> VCARD = new PartKey<>("vcard");

    /**
     * The largest vCard stored, as serialized XML. Every vCard is held in the entity's memory and replayed from its
     * journal, so a bound keeps both cheap; 64 KiB leaves room for a small embedded photo. Larger ones are refused
     * with not-acceptable. A constant rather than a setting until someone needs another value.
     */
    public static final int MAX_BYTES = 64 * 1024;

    @Override
    public void declare(ModuleContext context, Declarations d) {
        d.implementsXep(Xep.xep(54, "1.2",
                        "vcard-temp: own vCard get/set (64 KiB at most), other users' vCards readable"))
                .kryoRegistrar(ImEventsRegistrar.class)
                .accountPart(VCARD, new VCardPart(), List.of(VCardStored.class))
                .iq(AddressKind.OWN_ACCOUNT, IqType.GET, VCard.ELEMENT, VCard.NS, VCardModule::stored)
                .iq(AddressKind.OWN_ACCOUNT, IqType.SET, VCard.ELEMENT, VCard.NS, VCardModule::store)
                .iq(AddressKind.OTHER_ACCOUNT, IqType.GET, VCard.ELEMENT, VCard.NS, VCardModule::stored)
                .iq(AddressKind.OTHER_ACCOUNT, IqType.SET, VCard.ELEMENT, VCard.NS,
                        r -> IqOutcome.error(r.iq(), StanzaErrorCondition.FORBIDDEN));
    }

    /** §3.1 allows item-not-found or an empty vCard when there is none; the empty one is easier on clients. */
    private static IqOutcome stored(IqRequest r) {
        String xml = r.account().part(VCARD);
        return IqOutcome.result(r.iq(), xml == null ? Element.of(VCard.ELEMENT, VCard.NS) : StoredXml.parse(xml));
    }

    private static IqOutcome store(IqRequest r) {
        String xml = StoredXml.write(r.payload());
        if (xml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return IqOutcome.reply(Stanzas.errorReply(r.iq(), StanzaError.of(StanzaErrorCondition.NOT_ACCEPTABLE,
                    "a vCard may hold at most " + MAX_BYTES + " bytes")));
        }
        return IqOutcome.persisting(Stanzas.iqResult(r.iq(), null), new VCardStored(xml));
    }
}
