package io.rookery.node.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.probe.HookRecorderModule;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.xml.Element;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The account hooks run where the core says they do, for a module named in configuration only. */
class UserEntityHooksTest {
    private static SingleNode node;

    @BeforeAll
    static void start() {
        node = SingleNode.start(ConfigFactory.parseMap(Map.of(
                "rookery.modules.recorder.class", HookRecorderModule.class.getName(),
                "rookery.modules.recorder.enabled", true)));
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    private static String said(SingleNode.Session s) {
        Element m = s.nextStanza();
        return m.childText("body", Namespaces.CLIENT);
    }

    @Test
    void bindingInitialPresenceOfflineDeliveryAndUnbindingAreEachTold() {
        Jid alice = node.newAccount("alice");
        SingleNode.Session desk = node.bind(alice, "desk");
        assertEquals("resource-bound desk", said(desk));

        Element offline = Element.builder("message", Namespaces.CLIENT).attr("from", "bob@localhost/x")
                .attr("to", alice.toString()).attr("type", "chat")
                .child(Element.builder("body", Namespaces.CLIENT).text("while away").build()).build();
        node.router.route(offline);
        SingleNode.Session phone = node.bind(alice, "phone");
        assertEquals("resource-bound phone", said(desk));
        assertEquals("resource-bound phone", said(phone));

        node.becomeAvailable(phone, 1);
        assertEquals("initial-presence phone", said(desk));
        assertEquals("initial-presence phone", said(phone));
        // Every module's immediate answer first; the offline module hands over the stored message once it has
        // read it from the store.
        assertEquals("offline-delivery phone", said(desk));
        assertEquals("offline-delivery phone", said(phone));
        assertEquals("while away", said(phone));

        node.unbind(phone);
        assertEquals("resource-unbound phone", said(desk));
    }
}
