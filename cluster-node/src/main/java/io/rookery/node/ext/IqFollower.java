package io.rookery.node.ext;

/**
 * Follows another module's handling of one kind of iq: gets the request and what its handler decided, and returns
 * the outcome to carry out instead (the same when it has nothing to add). XEP-0402 §5.3 keeps bookmarks stored
 * through XEP-0049 in step with their personal node this way, without the private storage module knowing of it.
 * Like a handler, it returns data and sends nothing itself.
 */
@FunctionalInterface
public interface IqFollower {
    IqOutcome follow(IqRequest request, IqOutcome outcome);
}
