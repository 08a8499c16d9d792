package io.rookery.node.ext;

/** Reads the modules' parts of one account: from its entity ({@link AccountView}) or a session's mirrored copies. */
public interface PartLookup {
    /** The module's part, or null when it holds nothing. */
    <S> S part(PartKey<S> key);
}
