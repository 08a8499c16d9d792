/**
 * XEP-0012 Last Activity 2.0: the server's uptime (§5) and an account's idle time (§4).
 *
 * <p>Not supported: an account's instant is kept in memory only (by the user entity's online resources), not
 * persisted, so after a node restart or the entity's passivation (no session for
 * {@code rookery.user.passivate-after}) it is unknown and the answer is service-unavailable until the user has been
 * online again. The status of the last unavailable presence is not included.
 */
package io.rookery.node.ext.last;
