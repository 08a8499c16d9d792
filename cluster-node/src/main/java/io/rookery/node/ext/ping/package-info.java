/** XEP-0199 XMPP Ping 2.0.1: the server and every account answer a ping get with an empty result. */
package io.rookery.node.ext.ping;
