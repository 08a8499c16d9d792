package io.rookery.node.ext;

/**
 * Names one module's part of an account's state: a constant of the module, used to declare the part and, by its
 * handlers, to read it ({@link AccountView#part}).
 */
public final class PartKey<S> {
    private final String name;

    public PartKey(String name) {
        this.name = name;
    }

    /** The part's name: the same on every node, so a copy of the part can be sent to sessions elsewhere. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "part " + name;
    }
}
