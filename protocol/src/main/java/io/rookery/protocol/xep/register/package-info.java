/** XEP-0077 In-Band Registration 2.4: the {@code jabber:iq:register} query and the stream feature. */
package io.rookery.protocol.xep.register;
