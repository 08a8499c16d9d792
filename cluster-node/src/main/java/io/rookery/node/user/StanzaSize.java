package io.rookery.node.user;

import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.Text;
import java.util.Map;

/** A cheap estimate of what a parsed stanza holds, in characters of names, attribute values and text. */
final class StanzaSize {
    /** What an element costs beyond its characters: the objects and lists around them. */
    private static final int PER_ELEMENT = 64;

    private StanzaSize() {}

    static long estimate(Element e) {
        long size = PER_ELEMENT + e.name().length();
        for (Map.Entry<String, String> a : e.attributes().entrySet()) {
            size += a.getKey().length() + a.getValue().length();
        }
        for (Node child : e.children()) {
            size += child instanceof Element c ? estimate(c) : ((Text) child).text().length();
        }
        return size;
    }
}
