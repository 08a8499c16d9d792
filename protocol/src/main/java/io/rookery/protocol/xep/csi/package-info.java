/**
 * XEP-0352 Client State Indication 1.0.0: the stream feature a server offers after authentication and the
 * {@code <active/>} and {@code <inactive/>} nonzas a client sends on its stream. What a server does while a client is
 * inactive is its own choice (§3.2); Rookery's is the {@code csi} module's.
 */
package io.rookery.protocol.xep.csi;
