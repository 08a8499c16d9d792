/** XEP-0202 Entity Time 2.0: the server keeps UTC. */
package io.rookery.node.ext.time;
