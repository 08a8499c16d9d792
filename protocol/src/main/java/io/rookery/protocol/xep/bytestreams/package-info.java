/** XEP-0065: SOCKS5 bytestreams (the proxy's stream host, activation, the SOCKS5 address of a stream). */
package io.rookery.protocol.xep.bytestreams;
