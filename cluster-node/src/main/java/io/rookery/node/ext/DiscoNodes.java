package io.rookery.node.ext;

/**
 * XEP-0030 nodes a module publishes on the server (XEP-0050's command list and commands): asked for a disco#info
 * or disco#items query with a node, it answers, or returns null when the node is not its own.
 */
public interface DiscoNodes {
    IqOutcome info(IqRequest request, String node);

    IqOutcome items(IqRequest request, String node);
}
