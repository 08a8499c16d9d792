/**
 * Prometheus metrics of a node: one registry per node (several nodes may share a JVM in tests), the XMPP and cluster
 * figures an operator watches, the JVM's own, formatted by the Prometheus Java client and served over pekko-http.
 */
package io.rookery.node.metrics;
