package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.ext.probe.ProbeModule;
import org.jivesoftware.smack.packet.ExtensionElement;
import org.jivesoftware.smack.packet.IQ;
import org.jivesoftware.smack.packet.UnparsedIQ;
import org.jivesoftware.smack.provider.ExtensionElementProvider;
import org.jivesoftware.smack.provider.ProviderManager;
import org.jivesoftware.smack.packet.StandardExtensionElement;
import org.jivesoftware.smack.packet.XmlEnvironment;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.disco.ServiceDiscoveryManager;
import org.jivesoftware.smackx.iqversion.packet.Version;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A module from the test tree, switched on through configuration alone, seen by a real client over a real socket:
 * its stream feature after authentication, its disco feature and its iq answer; and a stock module switched off.
 */
class ModulesIT {
    private static RookeryNode node;

    /** {@code <probe xmlns='urn:rookery:test:probe'/>} in an iq get to the server. */
    private static final class ProbeIq extends IQ {
        ProbeIq() {
            super("probe", ProbeModule.NS);
            setType(Type.get);
        }

        @Override
        protected IQChildElementXmlStringBuilder getIQChildElementBuilder(IQChildElementXmlStringBuilder xml) {
            xml.setEmptyElement();
            return xml;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        // Smack keeps only the stream features it has a provider for. (Its generic StandardExtensionElement
        // provider trips an assertion, under -ea, on an element declaring its own default namespace.)
        ProviderManager.addStreamFeatureProvider("probe", ProbeModule.NS, new ExtensionElementProvider<>() {
            @Override
            public ExtensionElement parse(XmlPullParser parser, int initialDepth, XmlEnvironment env) {
                return new StandardExtensionElement("probe", ProbeModule.NS);
            }
        });
        java.util.Map<String, Object> overrides = new java.util.HashMap<>(ProbeModule.enabledWith("hi"));
        overrides.put("rookery.modules.version.enabled", false);
        node = ItEnvironment.startNode(overrides);
    }

    @AfterAll
    static void stop() {
        if (node != null) node.close();
    }

    @Test
    void aModuleEnabledInConfigurationIsOfferedAdvertisedAndAnswers() throws Exception {
        String alice = ItEnvironment.newUser(node, "alice");
        XMPPTCPConnection c = ItEnvironment.connectStartTls(node, alice, ItEnvironment.PASSWORD, "probe");
        try {
            assertTrue(c.hasFeature("probe", ProbeModule.NS), "the module's stream feature is offered");
            assertTrue(ServiceDiscoveryManager.getInstanceFor(c).serverSupportsFeature(ProbeModule.NS));
            ProbeIq probe = new ProbeIq();
            probe.setTo(c.getXMPPServiceDomain());
            IQ answer = c.createStanzaCollectorAndSend(probe).nextResultOrThrow();
            assertEquals(IQ.Type.result, answer.getType(), () -> answer.toXML().toString());
            // Smack has no provider for the payload: it keeps it unparsed, as the server wrote it.
            assertTrue(answer instanceof UnparsedIQ u && u.getContent().toString().contains("greeting='hi'"),
                    () -> answer.toXML().toString());

            // The stock version module is off on this node: not advertised, and the query is unavailable.
            assertFalse(ServiceDiscoveryManager.getInstanceFor(c).serverSupportsFeature(Version.NAMESPACE));
            org.jivesoftware.smack.XMPPException.XMPPErrorException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.jivesoftware.smack.XMPPException.XMPPErrorException.class,
                    () -> c.createStanzaCollectorAndSend(new Version(c.getXMPPServiceDomain())).nextResultOrThrow());
            assertEquals(org.jivesoftware.smack.packet.StanzaError.Condition.service_unavailable,
                    e.getStanzaError().getCondition());
        } finally {
            c.disconnect();
        }
    }
}
