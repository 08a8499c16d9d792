/** XEP-0280 Message Carbons 1.0.1 ({@code urn:xmpp:carbons:2}) with XEP-0297 forwarding and XEP-0334 no-copy. */
package io.rookery.protocol.xep.carbons;
