package io.rookery.node.ext.pep;

import io.rookery.node.ext.AccountNodes;
import io.rookery.node.ext.AccountView;
import io.rookery.protocol.xep.dataforms.DataForm;
import io.rookery.protocol.xep.disco.Disco;
import io.rookery.protocol.xep.pubsub.PubSub;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** XEP-0060 §5.2 and §5.4 at the account: its personal nodes the requester may read, and each node's metadata. */
final class PepDisco implements AccountNodes {
    @Override
    public List<Disco.Item> items(AccountView account, String requesterBare) {
        HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
        if (nodes == null) return List.of();
        List<Disco.Item> out = new ArrayList<>();
        for (Map.Entry<String, PepNode> n : new TreeMap<>(nodes).entrySet()) {
            if (Pep.mayRead(account, n.getValue(), requesterBare)) {
                out.add(new Disco.Item(account.jid().toString(), n.getKey(), n.getValue().config().title()));
            }
        }
        return out;
    }

    @Override
    public Element info(AccountView account, String node, String requesterBare) {
        HashMap<String, PepNode> nodes = account.part(PepModule.NODES);
        PepNode n = nodes == null ? null : nodes.get(node);
        if (n == null || !Pep.mayRead(account, n, requesterBare)) return null;
        Element query = Disco.info(node, List.of(new Disco.Identity("pubsub", "leaf", null)), List.of(PubSub.NS));
        List<DataForm.Field> meta = new ArrayList<>();
        meta.add(new DataForm.Field("pubsub#access_model", "list-single", n.config().accessModel().value));
        meta.add(new DataForm.Field("pubsub#owner", "jid-single", account.jid().toString()));
        if (n.config().title() != null) meta.add(new DataForm.Field("pubsub#title", "text-single", n.config().title()));
        if (n.config().type() != null) meta.add(new DataForm.Field("pubsub#type", "text-single", n.config().type()));
        Element form = DataForm.form(PubSub.META_DATA, meta).withAttr("type", "result");
        List<io.rookery.protocol.xml.Node> children = new ArrayList<>(query.children());
        children.add(form);
        return query.withChildren(children);
    }
}
