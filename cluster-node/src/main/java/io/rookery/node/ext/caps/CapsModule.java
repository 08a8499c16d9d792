package io.rookery.node.ext.caps;

import io.rookery.node.ext.Declarations;
import io.rookery.node.ext.Discoverable;
import io.rookery.node.ext.ModuleContext;
import io.rookery.node.ext.ServerInfo;
import io.rookery.node.ext.StreamFeature;
import io.rookery.node.ext.Xep;
import io.rookery.node.ext.XmppModule;
import io.rookery.protocol.xep.caps.Caps;
import io.rookery.protocol.xep.disco.Disco;

/** The verification string is computed once, on first use, when every module has declared its features. */
public final class CapsModule implements XmppModule {
    /** §4: a URI naming the software. */
    public static final String NODE = "https://rookery.io";

    @Override
    public void declare(ModuleContext context, Declarations d) {
        ServerInfo info = context.server();
        String[] element = new String[1];
        d.implementsXep(Xep.xep(115, "1.6",
                        "entity capabilities of the server in the stream features, ver computed from its disco#info"))
                .streamFeature(new StreamFeature(StreamFeature.Step.AFTER_AUTHENTICATION, stream -> {
                    String e = element[0];
                    if (e == null) element[0] = e = Caps.element(NODE, ver(info));
                    return e;
                }));
    }

    /** §5.1: the verification string of the server's disco#info. */
    public static String ver(ServerInfo info) {
        return Caps.ver(info.identities(Discoverable.SERVER).stream().map(Disco.Identity::capsForm).toList(),
                info.discoFeatures(Discoverable.SERVER));
    }

    /** §6.2: the node#ver whose disco#info is the server's own. */
    public static String node(ServerInfo info) {
        return NODE + "#" + ver(info);
    }
}
