package io.rookery.node.ext;

/**
 * Optional behaviour of the core's own roster (RFC 6121 §2-§3), which a module switches on by declaring it: the
 * rules stay with the roster's state machine, whose state they change, but the module is what offers them (stream
 * feature, README) and what turns them off ({@code enabled = off}): the roster then behaves as a server without
 * them, as the RFC and XEP prescribe for one.
 */
public enum CoreFeature {
    /** XEP-0237: 'ver' on roster results and pushes; a get naming the current version gets an empty result. */
    ROSTER_VERSIONING,
    /** RFC 6121 §3.4: 'subscribed' before a request pre-approves it; without it such a 'subscribed' is ignored. */
    SUBSCRIPTION_PRE_APPROVAL,
    /**
     * XEP-0388 SASL2 with XEP-0386 Bind 2, in the client stream's state machine (io.rookery.node.c2s): offered beside
     * RFC 6120 SASL, which stays for clients that do not speak it.
     */
    SASL2
}
