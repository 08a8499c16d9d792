/**
 * XEP-0045 Multi-User Chat 1.35 on the wire: the namespaces, roles and affiliations, the join request (§7.2 with
 * §7.2.15 history), the {@code muc#user} element rooms send (items, status codes, invitations, destruction), the
 * {@code muc#admin} items of §9-§10, and XEP-0421 occupant ids.
 */
package io.rookery.protocol.xep.muc;
