package io.rookery.protocol.xml;

/** A child of an {@link Element}: either a nested element or character data. */
public sealed interface Node permits Element, Text {
}
