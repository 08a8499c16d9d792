/**
 * XEP-0077 In-Band Registration 2.4: the stream feature and the server's disco feature, offered when
 * {@code rookery.registration.enabled} is on. The registration itself is still handled by the session while it
 * authenticates (io.rookery.node.c2s.Registration).
 */
package io.rookery.node.ext.register;
