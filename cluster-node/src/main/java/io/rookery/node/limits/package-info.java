/**
 * The building blocks of the node's limits against abuse (issue 12): a compact key for a client's address and
 * log lines that a flood cannot multiply. The limits themselves sit with what they protect: the per-address cap on
 * unauthenticated connections and the SASL throttle in {@code c2s}, the registration limits in {@code ext/register}.
 * Every limit keeps node-wide state that is small and bounded, never a timer or an object per idle session.
 */
package io.rookery.node.limits;
