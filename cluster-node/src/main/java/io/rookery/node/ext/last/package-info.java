/**
 * XEP-0012 Last Activity 2.0: the server's uptime (§5). An account's idle time (§4) is still answered by the user
 * entity (io.rookery.node.user.LastActivity), from the resources it holds in memory.
 */
package io.rookery.node.ext.last;
