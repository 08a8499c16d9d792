/**
 * What crosses between the nodes of a cluster: the Kryo ids and wire layouts of the messages that user entities and
 * sessions exchange through Pekko remoting.
 */
package io.rookery.node.cluster;
