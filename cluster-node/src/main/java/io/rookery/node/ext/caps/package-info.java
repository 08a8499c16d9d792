/**
 * XEP-0115 Entity Capabilities 1.6: the server's capabilities, hashed from its disco#info, offered as the
 * {@code <c/>} stream feature once the stream is authenticated (§6.3).
 */
package io.rookery.node.ext.caps;
