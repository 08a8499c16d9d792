package io.rookery.protocol.xep.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.TestXml;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XEP-0357's requests and notification, read from and written as the XEP's examples (0.4.1, §5-§7). */
class PushTest {
    private static final String OPTIONS = """
            <x xmlns='jabber:x:data'>
              <field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
              <field var='secret'><value>eruio234vzxc2kla-91</value></field>
            </x>""";

    @Test
    void example5EnablesANode() {
        Push.Enable e = Push.Enable.parse(iqPayload("""
                <iq type='set' id='x42'>
                  <enable xmlns='urn:xmpp:push:0' jid='push-5.client.example' node='yxs32uqsflafdk3iuqo' />
                </iq>"""));
        assertEquals(new Push.Enable("push-5.client.example", "yxs32uqsflafdk3iuqo", null), e);
    }

    @Test
    void example6EnablesANodeWithPublishOptions() {
        Push.Enable e = Push.Enable.parse(iqPayload("<iq type='set' id='x43'>"
                + "<enable xmlns='urn:xmpp:push:0' jid='push-5.client.example' node='yxs32uqsflafdk3iuqo'>"
                + OPTIONS + "</enable></iq>"));
        assertEquals("yxs32uqsflafdk3iuqo", e.node());
        assertEquals(TestXml.compact(OPTIONS), e.publishOptions());
    }

    @Test
    void anEnableWithoutJidOrNodeOrWithAnotherFormIsRefused() {
        for (String bad : new String[] {"<enable xmlns='urn:xmpp:push:0' node='n'/>",
                "<enable xmlns='urn:xmpp:push:0' jid='push.example'/>",
                "<enable xmlns='urn:xmpp:push:0' jid='@@' node='n'/>",
                "<enable xmlns='urn:xmpp:push:0' jid='push.example' node='n'><x xmlns='jabber:x:data' type='form'/></enable>",
                "<enable xmlns='urn:xmpp:push:0' jid='push.example' node='n'><x xmlns='jabber:x:data'>"
                        + "<field var='FORM_TYPE'><value>urn:xmpp:mam:2</value></field></x></enable>"}) {
            assertThrows(IllegalArgumentException.class, () -> Push.Enable.parse(TestXml.parse(bad)), bad);
        }
    }

    @Test
    void examples7And8DisableAServiceOrOneOfItsNodes() {
        Push.Disable all = Push.Disable.parse(iqPayload("""
                <iq type='set' id='x97'>
                  <disable xmlns='urn:xmpp:push:0' jid='push-5.client.example' />
                </iq>"""));
        assertEquals("push-5.client.example", all.jid());
        assertNull(all.node());
        Push.Disable one = Push.Disable.parse(iqPayload("""
                <iq type='set' id='x97'>
                  <disable xmlns='urn:xmpp:push:0' jid='push-5.client.example' node='yxs32uqsflafdk3iuqo' />
                </iq>"""));
        assertEquals(new Push.Disable("push-5.client.example", "yxs32uqsflafdk3iuqo"), one);
        assertThrows(IllegalArgumentException.class,
                () -> Push.Disable.parse(TestXml.parse("<disable xmlns='urn:xmpp:push:0'/>")));
    }

    /**
     * Example 10 as written, but for the summary form's type='submit' (XEP-0004 §3.1 requires a type; the example
     * leaves it out) and without the example's custom element.
     */
    @Test
    void example10IsThePublishWithPublishOptions() {
        Element expected = TestXml.compact("""
                <iq type='set'
                    from='user@example.com'
                    to='push-5.client.example'
                    id='n12'>
                  <pubsub xmlns='http://jabber.org/protocol/pubsub'>
                    <publish node='yxs32uqsflafdk3iuqo'>
                      <item>
                        <notification xmlns='urn:xmpp:push:0'>
                          <x xmlns='jabber:x:data' type='submit'>
                            <field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field>
                            <field var='message-count'><value>1</value></field>
                            <field var='last-message-sender'><value>juliet@capulet.example/balcony</value></field>
                            <field var='last-message-body'><value>Wherefore art thou, Romeo?</value></field>
                          </x>
                        </notification>
                      </item>
                    </publish>
                    <publish-options>""" + OPTIONS + """
                    </publish-options>
                  </pubsub>
                </iq>""");
        Element notification = Push.notification(new Push.Summary(1, -1, "juliet@capulet.example/balcony",
                "Wherefore art thou, Romeo?"));
        Element publish = Push.publish("user@example.com", "push-5.client.example", "n12", "yxs32uqsflafdk3iuqo",
                notification, TestXml.compact(OPTIONS));
        assertEquals(expected, publish);
        assertEquals(Map.of("FORM_TYPE", "urn:xmpp:push:summary", "message-count", "1",
                "last-message-sender", "juliet@capulet.example/balcony",
                "last-message-body", "Wherefore art thou, Romeo?"), Push.summaryOf(publish));
    }

    @Test
    void aSummaryLeavesOutWhatItIsNotGiven() {
        Element publish = Push.publish("user@example.com", "push.example", "n1", "node",
                Push.notification(new Push.Summary(3, 0, null, null)), null);
        assertEquals(Map.of("FORM_TYPE", "urn:xmpp:push:summary", "message-count", "3",
                "pending-subscription-count", "0"), Push.summaryOf(publish));
        assertNull(publish.child("pubsub", "http://jabber.org/protocol/pubsub").child("publish-options",
                "http://jabber.org/protocol/pubsub"));
    }

    private static Element iqPayload(String iq) {
        return TestXml.compact(iq).elements().get(0);
    }
}
