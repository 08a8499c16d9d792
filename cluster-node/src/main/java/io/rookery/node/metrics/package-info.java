/**
 * Prometheus metrics of a node: one registry per node (several nodes may share a JVM in tests), the XMPP and cluster
 * figures an operator watches, the JVM's own, served over HTTP by the Prometheus Java client.
 */
package io.rookery.node.metrics;
