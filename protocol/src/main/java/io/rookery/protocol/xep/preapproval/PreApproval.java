package io.rookery.protocol.xep.preapproval;

/** RFC 6121 §3.4.1: the stream feature. */
public final class PreApproval {
    public static final String FEATURE = "urn:xmpp:features:pre-approval";

    private PreApproval() {}
}
