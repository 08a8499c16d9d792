package io.rookery.node.ext;

/** Handles one hook's event; returns data, sends nothing itself. */
@FunctionalInterface
public interface HookHandler<E> {
    HookOutcome on(E event);
}
