package io.rookery.node.ext;

/**
 * One bound resource of an account as a handler sees it: whether it sent available presence, its priority and
 * its {@link ResourceFlags}.
 */
public record BoundResource(String name, boolean available, int priority, int flags) {
    public boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
