/** XEP-0156: discovering a server's alternative connection methods (host-meta). */
package io.rookery.protocol.xep.hostmeta;
