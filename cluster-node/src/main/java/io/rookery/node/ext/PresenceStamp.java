package io.rookery.node.ext;

import io.rookery.protocol.xml.Element;

/**
 * Rewrites the available presence a user's session sends, broadcast or directed, before it leaves the session
 * (XEP-0398 puts the avatar's hash into it). It reads the account through the session's copies of the parts its
 * module declared {@link Declarations#mirror mirrored}; it returns the presence itself when it changes nothing.
 */
@FunctionalInterface
public interface PresenceStamp {
    Element stamp(PartLookup sessionParts, Element presence);
}
