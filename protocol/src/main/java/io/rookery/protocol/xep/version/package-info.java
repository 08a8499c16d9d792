/** XEP-0092 Software Version 1.1: the {@code jabber:iq:version} query and its result. */
package io.rookery.protocol.xep.version;
