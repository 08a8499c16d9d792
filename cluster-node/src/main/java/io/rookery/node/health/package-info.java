/** Health of a node for pekko-management's /ready and /alive (Kubernetes probes). */
package io.rookery.node.health;
