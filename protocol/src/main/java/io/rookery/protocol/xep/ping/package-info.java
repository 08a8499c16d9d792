/** XEP-0199 XMPP Ping 2.0.1: the namespace of a ping request; the answer is an empty iq result. */
package io.rookery.protocol.xep.ping;
