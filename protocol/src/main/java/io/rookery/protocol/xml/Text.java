package io.rookery.protocol.xml;

import java.util.Objects;

/** Character data, unescaped. */
public record Text(String text) implements Node {
    public Text {
        Objects.requireNonNull(text, "text");
    }
}
