package io.rookery.node.ext;

/**
 * A specification a module implements: "XEP-0199" or "RFC 6121", the version implemented, and a summary of what is
 * supported (the README's table lists the same specifications and versions).
 */
public record Xep(String spec, String version, String summary) {
    public static Xep xep(int number, String version, String summary) {
        return new Xep(String.format("XEP-%04d", number), version, summary);
    }
}
