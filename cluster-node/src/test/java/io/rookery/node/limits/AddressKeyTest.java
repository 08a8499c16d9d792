package io.rookery.node.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class AddressKeyTest {
    private static long key(String literal) throws Exception {
        return AddressKey.of(InetAddress.getByName(literal));
    }

    @Test
    void anIpv4AddressIsItselfAndPrintsDotted() throws Exception {
        assertEquals("127.0.0.1", AddressKey.format(key("127.0.0.1")));
        assertEquals("203.0.113.255", AddressKey.format(key("203.0.113.255")));
        assertNotEquals(key("127.0.0.1"), key("127.0.0.2"));
    }

    @Test
    void anIpv6AddressCountsAsItsSlash64() throws Exception {
        assertEquals(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertNotEquals(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assertEquals("2001:db8:1:2::/64", AddressKey.format(key("2001:db8:1:2::99")));
    }

    @Test
    void ipv4AndIpv6KeysDoNotMeetAndNeitherIsUnknown() throws Exception {
        // An IPv6 /64 whose 64 bits equal an IPv4 key would be inside ff00::/8, multicast, never a source.
        assertNotEquals(key("0:0:ffff:ffff::1"), key("255.255.255.254"));
        assertNotEquals(AddressKey.UNKNOWN, key("::1"));
        assertNotEquals(AddressKey.UNKNOWN, key("0.0.0.0"));
        assertEquals("unknown", AddressKey.format(AddressKey.UNKNOWN));
    }
}
