package io.rookery.node.ext;

/** Whose XEP-0030 disco#info a declared identity or feature belongs to. */
public enum Discoverable { SERVER, ACCOUNT }
