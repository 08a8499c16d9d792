package io.rookery.protocol.jid;

import java.util.Objects;

/**
 * An XMPP address in canonical form (RFC 7622): {@code [localpart@]domainpart[/resourcepart]}. Immutable; every
 * instance holds prepared, enforced parts, so {@link #equals} compares addresses, not spellings. Kept to three
 * fields because the server holds many of them.
 */
public final class Jid {
    private final String local;
    private final String domain;
    private final String resource;

    private Jid(String local, String domain, String resource) {
        this.local = local;
        this.domain = domain;
        this.resource = resource;
    }

    /** Parses and canonicalises a JID string, splitting it as RFC 7622 §3.1 prescribes. */
    public static Jid parse(String s) throws InvalidJidException {
        Objects.requireNonNull(s, "s");
        // First '/' starts the resourcepart (which may itself hold '/' and '@'); then the first '@' ends the localpart.
        int slash = s.indexOf('/');
        String beforeSlash = slash < 0 ? s : s.substring(0, slash);
        String resource = slash < 0 ? null : s.substring(slash + 1);
        int at = beforeSlash.indexOf('@');
        String local = at < 0 ? null : beforeSlash.substring(0, at);
        String domain = at < 0 ? beforeSlash : beforeSlash.substring(at + 1);
        return of(local, domain, resource);
    }

    /** The JID in an address the server itself stamped or stored, or null when there is none or it is not valid. */
    public static Jid parseOrNull(String s) {
        if (s == null) return null;
        try {
            return parse(s);
        } catch (InvalidJidException e) {
            return null;
        }
    }

    /**
     * Builds a JID from separate parts, preparing and validating each. {@code local} and {@code resource} may be
     * null (absent) but not empty.
     */
    public static Jid of(String local, String domain, String resource) throws InvalidJidException {
        Objects.requireNonNull(domain, "domain");
        return new Jid(
                local == null ? null : JidParts.localpart(local),
                JidParts.domainpart(domain),
                resource == null ? null : JidParts.resourcepart(resource));
    }

    /** The prepared localpart, or null when there is none. */
    public String local() {
        return local;
    }

    public String domain() {
        return domain;
    }

    /** The prepared resourcepart, or null when there is none. */
    public String resource() {
        return resource;
    }

    /** This JID without its resourcepart. */
    public Jid bare() {
        return resource == null ? this : new Jid(local, domain, null);
    }

    /** This JID with the given resourcepart (prepared and validated); null gives the bare JID. */
    public Jid withResource(String r) throws InvalidJidException {
        return r == null ? bare() : new Jid(local, domain, JidParts.resourcepart(r));
    }

    /** True when there is no resourcepart. */
    public boolean isBare() {
        return resource == null;
    }

    /** True when there is a resourcepart (with or without a localpart). */
    public boolean isFull() {
        return resource != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Jid j && domain.equals(j.domain) && Objects.equals(local, j.local)
                && Objects.equals(resource, j.resource);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Objects.hashCode(local) + domain.hashCode()) + Objects.hashCode(resource);
    }

    /** The canonical string form. */
    @Override
    public String toString() {
        if (local == null && resource == null) return domain;
        StringBuilder b = new StringBuilder(
                domain.length() + (local == null ? 0 : local.length() + 1) + (resource == null ? 0 : resource.length() + 1));
        if (local != null) b.append(local).append('@');
        b.append(domain);
        if (resource != null) b.append('/').append(resource);
        return b.toString();
    }
}
