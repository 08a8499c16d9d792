package io.rookery.node.ext;

/** What an iq handler is found by: the address kind, the type and the payload's qualified name. */
public record IqKey(AddressKind to, IqType type, String name, String namespace) {}
