/**
 * XEP-0114 Jabber Component Protocol 1.6, "accept" side, on the node: the listener ({@link
 * io.rookery.node.component.Components}), one actor per component connection over the server-to-server stream
 * stage, and the routes of the component domains, cluster-wide through the receptionist. The protocol part is in
 * {@code io.rookery.protocol.xep.component}.
 */
package io.rookery.node.component;
