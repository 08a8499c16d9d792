/**
 * XEP-0191 Blocking Command 1.3: the disco feature; the blocklist is kept and enforced by the user entity (io.rookery.node.user.Blocking).
 */
package io.rookery.node.ext.blocking;
