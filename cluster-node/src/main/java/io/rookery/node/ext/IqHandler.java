package io.rookery.node.ext;

/** Answers one kind of iq request; returns data, sends nothing itself. */
@FunctionalInterface
public interface IqHandler {
    IqOutcome handle(IqRequest request);
}
