/**
 * XEP-0065 SOCKS5 bytestreams proxy (module {@code proxy65}) on {@code proxy.<domain>}: a SOCKS5 listener on each
 * node that joins the two connections of a stream once its requester activates it.
 */
package io.rookery.node.ext.proxy65;
