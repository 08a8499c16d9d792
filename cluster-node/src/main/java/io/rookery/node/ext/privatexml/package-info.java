/**
 * XEP-0049 Private XML Storage 1.2 ({@code jabber:iq:private}), one stored element per qualified name in the
 * account's own part of the user's state.
 *
 * <p>Not supported: deleting a stored element (storing an empty one is what clients do), and a bound on the number
 * of distinct elements stored.
 */
package io.rookery.node.ext.privatexml;
