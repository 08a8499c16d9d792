/** XEP-0215 external service discovery (module {@code extdisco}): STUN and TURN servers with TURN credentials. */
package io.rookery.node.ext.extdisco;
