package io.rookery.protocol.xml;

import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamReader;

/**
 * Builds the tree of one top-level element as its events arrive: one frame per open element, linked to its parent,
 * and one text buffer for the innermost element (text only ever goes there). Exists only while a top-level element
 * is open, so an idle stream holds none of it.
 */
final class ElementStack {
    private Frame top;
    private StringBuilder text;
    private int depth;

    private static final class Frame {
        final String name;
        final String namespace;
        final AttrMap attributes;
        final Frame parent;
        ArrayList<Node> children;

        Frame(String name, String namespace, AttrMap attributes, Frame parent) {
            this.name = name;
            this.namespace = namespace;
            this.attributes = attributes;
            this.parent = parent;
        }

        void add(Node n) {
            if (children == null) {
                children = new ArrayList<>(4);
            }
            children.add(n);
        }
    }

    /** Number of open elements. */
    int depth() {
        return depth;
    }

    void push(String name, String namespace, AttrMap attributes) {
        flushText();
        top = new Frame(name, namespace, attributes, top);
        depth++;
    }

    void text(char[] chars, int start, int length) {
        if (length == 0) {
            return;
        }
        if (text == null) {
            text = new StringBuilder(Math.max(16, length));
        }
        text.append(chars, start, length);
    }

    /** Closes the innermost element; returns it when it was the outermost, else adds it to its parent. */
    Element pop() {
        flushText();
        Frame f = top;
        List<Node> children = f.children == null ? List.of() : List.copyOf(f.children);
        Element e = new Element(f.name, f.namespace, f.attributes, children);
        top = f.parent;
        depth--;
        if (top == null) {
            return e;
        }
        top.add(e);
        return null;
    }

    /** Adjacent text events (chunk ends, CDATA, character references) become one Text node. */
    private void flushText() {
        if (text != null && text.length() > 0) {
            top.add(new Text(text.toString()));
            text.setLength(0);
        }
    }

    /**
     * The current start tag's attributes, keyed by qualified name. A prefix other than {@code xml} used by an
     * attribute keeps its binding as an {@code xmlns:p} attribute so the element can be written back well-formed.
     */
    static AttrMap attributes(XMLStreamReader reader, int n) {
        if (n == 0) {
            return AttrMap.EMPTY;
        }
        String[] kv = new String[n * 2];
        String[] decls = null;
        int declCount = 0;
        for (int i = 0; i < n; i++) {
            String prefix = reader.getAttributePrefix(i);
            String local = reader.getAttributeLocalName(i);
            String key;
            if (prefix == null || prefix.isEmpty()) {
                key = local;
            } else if (prefix.equals("xml")) {
                key = local.equals("lang") ? "xml:lang" : "xml:" + local;
            } else {
                key = prefix + ':' + local;
                String decl = "xmlns:" + prefix;
                if (decls == null) {
                    decls = new String[n * 2];
                }
                if (!contains(decls, declCount, decl)) {
                    decls[declCount++] = decl;
                    decls[declCount++] = reader.getAttributeNamespace(i);
                }
            }
            kv[2 * i] = key;
            kv[2 * i + 1] = reader.getAttributeValue(i);
        }
        if (declCount > 0) {
            String[] all = new String[kv.length + declCount];
            System.arraycopy(kv, 0, all, 0, kv.length);
            System.arraycopy(decls, 0, all, kv.length, declCount);
            kv = all;
        }
        return AttrMap.wrap(kv);
    }

    private static boolean contains(String[] kv, int count, String key) {
        for (int i = 0; i < count; i += 2) {
            if (kv[i].equals(key)) {
                return true;
            }
        }
        return false;
    }
}
