package io.rookery.node.ext;

/**
 * The connection an iq addressed to the stream came over ({@link AddressKind#STREAM}, before authentication), for
 * modules that limit what one connection or one client address may do there.
 *
 * @param address the client's address as a {@link io.rookery.node.limits.AddressKey} (UNKNOWN: none known)
 * @param registrations XEP-0077 registrations this connection completed already (a result to a register set)
 */
public record UnauthenticatedStream(long address, int registrations) {}
