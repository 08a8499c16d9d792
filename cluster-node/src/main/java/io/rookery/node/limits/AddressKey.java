package io.rookery.node.limits;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A client's address as one {@code long}, the key of every per-address limit: a session keeps it in eight bytes
 * instead of an address object, and the limits' maps never hold a client's {@code InetAddress}.
 *
 * <p>An IPv4 address is its 32 bits under a fixed upper half ({@code ffff:ffff::/32} as an IPv6 prefix, inside the
 * multicast range ff00::/8, which is never a source address, so the two kinds cannot collide). An IPv6 address is
 * its /64 prefix: one subscriber usually holds a whole /64 (RFC 6177), so counting single IPv6 addresses would give
 * every client 2^64 allowances.
 */
public final class AddressKey {
    /** No address known (tests, other transports): per-address limits do not apply to it. */
    public static final long UNKNOWN = -1L;

    private static final long IPV4 = 0xFFFF_FFFF_0000_0000L;

    private AddressKey() {}

    public static long of(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return IPV4 | ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
        }
        if (address instanceof Inet6Address && b.length == 16) {
            long prefix = 0;
            for (int i = 0; i < 8; i++) prefix = (prefix << 8) | (b[i] & 0xFFL);
            return prefix;
        }
        return UNKNOWN;
    }

    /** For log lines: a dotted IPv4 address, or an IPv6 /64 prefix. */
    public static String format(long key) {
        if (key == UNKNOWN) return "unknown";
        if ((key & IPV4) == IPV4) {
            return ((key >>> 24) & 0xFF) + "." + ((key >>> 16) & 0xFF) + "." + ((key >>> 8) & 0xFF) + "."
                    + (key & 0xFF);
        }
        StringBuilder sb = new StringBuilder(24);
        for (int i = 3; i >= 0; i--) {
            sb.append(Long.toHexString((key >>> (16 * i)) & 0xFFFF)).append(':');
        }
        return sb.append(":/64").toString();
    }
}
