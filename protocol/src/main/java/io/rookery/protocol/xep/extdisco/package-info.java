/** XEP-0215: external service discovery (STUN and TURN servers, with short-term credentials). */
package io.rookery.protocol.xep.extdisco;
