/** XEP-0059 Result Set Management 1.0: the {@code <set/>} a request pages with and the one its answer carries. */
package io.rookery.protocol.xep.rsm;
