package io.rookery.protocol.xml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable XML element: local name, namespace ({@code ""} when none), attributes keyed by their qualified name
 * as written ({@code "type"}, {@code "xml:lang"}) in insertion order, and children.
 *
 * <p>Namespace declarations are not attributes: the namespace is a field and {@link XmlWriter} declares it. The one
 * exception is a prefix bound for a prefixed attribute other than {@code xml:}, kept as an {@code xmlns:p}
 * attribute on the element that uses it, so that the element can be written back well-formed.
 *
 * <p>Names are checked loosely (no whitespace, markup or control characters), enough that a name can never break
 * the XML it is written into; they are not checked against the full XML Name production.
 */
public final class Element implements Node {
    private final String name;
    private final String namespace;
    private final AttrMap attributes;
    private final List<Node> children;

    public Element(String name, String namespace, Map<String, String> attributes, List<Node> children) {
        this(checkName(name), namespace == null ? "" : namespace, AttrMap.copyOf(attributes),
                children == null ? List.of() : List.copyOf(children));
    }

    /** Trusted path: arguments already checked and owned by the new element. */
    Element(String name, String namespace, AttrMap attributes, List<Node> children) {
        this.name = name;
        this.namespace = namespace;
        this.attributes = attributes;
        this.children = children;
    }

    public static Element of(String name, String namespace) {
        return new Element(checkName(name), namespace == null ? "" : namespace, AttrMap.EMPTY, List.of());
    }

    public static Builder builder(String name, String namespace) {
        return new Builder(name, namespace);
    }

    public String name() {
        return name;
    }

    public String namespace() {
        return namespace;
    }

    /** Unmodifiable, in document order. */
    public Map<String, String> attributes() {
        return attributes;
    }

    /** Unmodifiable. */
    public List<Node> children() {
        return children;
    }

    /** The attribute's value, or null when absent. */
    public String attr(String name) {
        return attributes.get(name);
    }

    /** The first child element with this name and namespace (null namespace matches any), or null. */
    public Element child(String name, String namespace) {
        for (Node n : children) {
            if (n instanceof Element e && e.is(name, namespace)) {
                return e;
            }
        }
        return null;
    }

    /** All child elements with this name and namespace (null namespace matches any), in order. */
    public List<Element> children(String name, String namespace) {
        List<Element> out = new ArrayList<>(2);
        for (Node n : children) {
            if (n instanceof Element e && e.is(name, namespace)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The child elements, without text. */
    public List<Element> elements() {
        List<Element> out = new ArrayList<>(children.size());
        for (Node n : children) {
            if (n instanceof Element e) {
                out.add(e);
            }
        }
        return out;
    }

    /** The concatenated direct text children, "" when there are none. */
    public String text() {
        String single = null;
        StringBuilder sb = null;
        for (Node n : children) {
            if (n instanceof Text t) {
                if (single == null) {
                    single = t.text();
                } else {
                    if (sb == null) {
                        sb = new StringBuilder(single);
                    }
                    sb.append(t.text());
                }
            }
        }
        return sb != null ? sb.toString() : single != null ? single : "";
    }

    /** The text of the first matching child element, or null when there is no such child. */
    public String childText(String name, String namespace) {
        Element c = child(name, namespace);
        return c == null ? null : c.text();
    }

    /** A copy with the attribute set (kept in its position when present), or removed when value is null. */
    public Element withAttr(String name, String value) {
        AttrMap next = attributes.with(name, value);
        return next == attributes ? this : new Element(this.name, namespace, next, children);
    }

    public Element withChildren(List<Node> children) {
        return new Element(name, namespace, attributes, children == null ? List.of() : List.copyOf(children));
    }

    /** Same name and namespace (null namespace matches any). */
    public boolean is(String name, String namespace) {
        return this.name.equals(name) && (namespace == null || this.namespace.equals(namespace));
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Element e && name.equals(e.name) && namespace.equals(e.namespace)
                && attributes.equals(e.attributes) && children.equals(e.children);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, namespace, attributes, children);
    }

    /** The element as XML, with its namespace declared. */
    @Override
    public String toString() {
        return XmlWriter.toXml(this);
    }

    static String checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty XML name");
        }
        char first = name.charAt(0);
        if (first == '-' || first == '.' || (first >= '0' && first <= '9')) {
            throw new IllegalArgumentException("bad XML name: " + name);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == '&' || c == '\'' || c == '"' || c == '=' || c == '/'
                    || c == '?' || c == '!' || (c >= 0x7f && c <= 0x9f)) {
                throw new IllegalArgumentException("bad XML name: " + name);
            }
        }
        return name;
    }

    static String checkAttrName(String name) {
        checkName(name);
        if (name.equals("xmlns")) {
            // The default namespace is the element's namespace field; a second source of truth would let the two
            // disagree when written.
            throw new IllegalArgumentException("xmlns is not an attribute; use the element's namespace");
        }
        return name;
    }

    /** Collects attributes and children; {@link #build()} may be called more than once. */
    public static final class Builder {
        private final String name;
        private final String namespace;
        private final LinkedHashMap<String, String> attributes = new LinkedHashMap<>(4);
        private final List<Node> children = new ArrayList<>(4);

        private Builder(String name, String namespace) {
            this.name = checkName(name);
            this.namespace = namespace == null ? "" : namespace;
        }

        /** Sets an attribute; a null value is skipped, so optional attributes need no if. */
        public Builder attr(String name, String value) {
            if (value != null) {
                attributes.put(checkAttrName(name), value);
            }
            return this;
        }

        public Builder child(Node child) {
            children.add(Objects.requireNonNull(child, "child"));
            return this;
        }

        /** Appends character data; null or empty is skipped. */
        public Builder text(String text) {
            if (text != null && !text.isEmpty()) {
                children.add(new Text(text));
            }
            return this;
        }

        public Element build() {
            return new Element(name, namespace, AttrMap.copyOf(attributes), List.copyOf(children));
        }
    }
}
