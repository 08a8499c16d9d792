/** XEP-0012 Last Activity 2.0: the {@code jabber:iq:last} query and its {@code seconds} result. */
package io.rookery.protocol.xep.last;
