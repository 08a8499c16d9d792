package io.rookery.node.ext;

/**
 * What a bound resource asked of its account, as bits kept in memory with the resource. A session keeps them too
 * and restores them when it registers again with a restarted user entity (after its shard moved or its node
 * crashed). A module changes its bit for the requesting resource through {@link IqOutcome#withFlags}.
 */
public final class ResourceFlags {
    /** RFC 6121 §2.1.6 "interested resource": asked for the roster, so gets its pushes. */
    public static final int INTERESTED = 1;
    /** XEP-0280: carbons enabled. */
    public static final int CARBONS = 2;
    /** XEP-0191: asked for the blocklist, so gets its pushes. */
    public static final int BLOCKLIST = 4;

    private ResourceFlags() {}
}
