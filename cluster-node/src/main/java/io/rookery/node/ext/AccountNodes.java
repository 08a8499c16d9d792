package io.rookery.node.ext;

import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xml.Element;
import java.util.List;

/**
 * XEP-0030 nodes a module hosts at every account's bare JID (XEP-0163 personal nodes): the account's disco#items
 * list them, and a disco#info with one of their names is answered by the module. What a requester sees may depend
 * on who asks (access models).
 */
public interface AccountNodes {
    /** The nodes the requester (a bare JID) may see, as disco items. */
    List<Disco.Item> items(AccountView account, String requesterBare);

    /** The disco#info {@code <query/>} of the node, or null when it has no such node the requester may see. */
    Element info(AccountView account, String node, String requesterBare);
}
