package io.rookery.node.ext;

/** The two iq types that ask for an answer (RFC 6120 §8.2.3). */
public enum IqType {
    GET, SET;

    /** The type of a request, or null for result, error or anything else. */
    public static IqType of(String type) {
        if ("get".equals(type)) return GET;
        if ("set".equals(type)) return SET;
        return null;
    }
}
