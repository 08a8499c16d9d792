package io.rookery.protocol.xep.caps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.rookery.protocol.xml.StoredXml;
import org.junit.jupiter.api.Test;

/** XEP-0115 §5.2 and §5.3's worked examples, as a client would answer the server's disco#info. */
class CapsVerTest {
    @Test
    void theSimpleExampleHashesToItsVer() {
        assertEquals("QgayPKawpkPSDYmwT/WM94uAlu0=", Caps.verOf(StoredXml.parse("""
                <query xmlns='http://jabber.org/protocol/disco#info' node='http://code.google.com/p/exodus#QgayPKawpkPSDYmwT/WM94uAlu0='>
                <identity category='client' name='Exodus 0.9.1' type='pc'/>
                <feature var='http://jabber.org/protocol/caps'/>
                <feature var='http://jabber.org/protocol/disco#info'/>
                <feature var='http://jabber.org/protocol/disco#items'/>
                <feature var='http://jabber.org/protocol/muc'/>
                </query>""")));
    }

    @Test
    void theComplexExampleWithLanguagesAndAFormHashesToItsVer() {
        assertEquals("q07IKJEyjvHSyhy//CH0CxmKi8w=", Caps.verOf(StoredXml.parse("""
                <query xmlns='http://jabber.org/protocol/disco#info' node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>
                <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>
                <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>
                <feature var='http://jabber.org/protocol/caps'/>
                <feature var='http://jabber.org/protocol/disco#info'/>
                <feature var='http://jabber.org/protocol/disco#items'/>
                <feature var='http://jabber.org/protocol/muc'/>
                <x xmlns='jabber:x:data' type='result'>
                <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>
                <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>
                <field var='os'><value>Mac</value></field>
                <field var='os_version'><value>10.5.1</value></field>
                <field var='software'><value>Psi</value></field>
                <field var='software_version'><value>0.11</value></field>
                </x>
                </query>""")));
    }

    @Test
    void aDuplicateFeatureIsNotHashed() {
        assertNull(Caps.verOf(StoredXml.parse("""
                <query xmlns='http://jabber.org/protocol/disco#info'>
                <identity category='client' type='pc'/>
                <feature var='urn:xmpp:ping'/><feature var='urn:xmpp:ping'/>
                </query>""")));
    }
}
