/** XEP-0156: connection discovery (host-meta) on the HTTP listeners. */
package io.rookery.node.hostmeta;
