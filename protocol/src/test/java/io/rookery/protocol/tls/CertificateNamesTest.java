package io.rookery.protocol.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CertificateNamesTest {
    @Test
    void aWildcardStandsForOneWholeLeftMostLabel() {
        assertTrue(CertificateNames.dnsMatches("example.com", "example.com"));
        assertTrue(CertificateNames.dnsMatches("example.com.", "example.com"));
        assertTrue(CertificateNames.dnsMatches("*.example.com", "chat.example.com"));
        assertFalse(CertificateNames.dnsMatches("*.example.com", "example.com"));
        assertFalse(CertificateNames.dnsMatches("*.example.com", "a.chat.example.com"));
        assertFalse(CertificateNames.dnsMatches("*.com", "example.com"));
        assertFalse(CertificateNames.dnsMatches("ch*.example.com", "chat.example.com"));
        assertFalse(CertificateNames.dnsMatches("example.org", "example.com"));
    }

    @Test
    void anXmppAddrOtherNameIsReadFromItsDer() {
        // GeneralName [0] { OID 1.3.6.1.5.5.7.8.5, [0] { UTF8String "example.org" } }, as the JDK hands it over.
        byte[] value = utf8("example.org");
        byte[] explicit = tlv(0xA0, tlv(0x0C, value));
        byte[] oid = tlv(0x06, new byte[] {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x05});
        byte[] other = tlv(0xA0, concat(oid, explicit));
        assertArrayEquals(new String[] {"1.3.6.1.5.5.7.8.5", "example.org"}, CertificateNames.otherName(other));
        assertArrayEquals(new String[] {"1.3.6.1.5.5.7.8.5", "example.org"},
                CertificateNames.otherName(tlv(0x30, concat(oid, explicit))));
    }

    @Test
    void brokenDerIsNoName() {
        assertNull(CertificateNames.otherName(new byte[] {(byte) 0xA0, 0x10, 0x06}));
        assertNull(CertificateNames.otherName(new byte[0]));
        assertNull(CertificateNames.otherName(tlv(0xA0, tlv(0x02, new byte[] {1}))));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        out.write(content.length);
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
