package io.rookery.protocol.xml;

import io.rookery.protocol.stanza.StreamErrorCondition;
import io.rookery.protocol.stanza.XmppStreamException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLStreamReader;

/**
 * Builds the tree of one top-level element as its events arrive: one frame per open element, linked to its parent,
 * and one text buffer for the innermost element (text only ever goes there). Exists only while a top-level element
 * is open, so an idle stream holds none of it.
 *
 * <p>Keeps an estimate of the heap the tree holds, so that the parser can bound it: a few bytes of input can cost
 * a hundred bytes of objects ({@code <x a='b'/>} is an Element, an attribute map, its array and a String). The
 * costs below are JDK 17 object sizes with compressed references, checked against what PartialStanzaProbe
 * measures; characters count two bytes, which also covers the text buffer's spare capacity for Latin-1 text.
 */
final class ElementStack {
    /** The Element, its slot in the parent's child list, and that list's spare capacity. */
    static final int ELEMENT_BYTES = 48;
    /** The attribute map and its array, once per element that has attributes. */
    static final int ATTRIBUTE_MAP_BYTES = 32;
    /** Two array slots and the value String with its array header; the characters come on top. */
    static final int ATTRIBUTE_BYTES = 48;
    /** The Text, its String and array header, and its slot in the child list; the characters come on top. */
    static final int TEXT_BYTES = 64;
    /** A text buffer that grew beyond this many characters is dropped after use rather than kept for the next. */
    private static final int KEEP_TEXT_BUFFER_CHARS = 1024;

    private Frame top;
    private StringBuilder text;
    private int depth;
    private long retainedBytes;

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

    /** Estimated bytes of heap held by the tree so far, text not yet flushed included. */
    long retainedBytes() {
        return retainedBytes;
    }

    void push(String name, String namespace, AttrMap attributes) {
        flushText();
        top = new Frame(name, namespace, attributes, top);
        depth++;
        retainedBytes += ELEMENT_BYTES + attributes.retainedBytes();
    }

    void text(char[] chars, int start, int length) {
        if (length == 0) {
            return;
        }
        if (text == null) {
            text = new StringBuilder(Math.max(16, length));
        }
        if (text.length() == 0) {
            retainedBytes += TEXT_BYTES;
        }
        text.append(chars, start, length);
        retainedBytes += 2L * length;
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
            if (text.capacity() > KEEP_TEXT_BUFFER_CHARS) {
                text = null; // its spare room would stay beside the copy just made
            } else {
                text.setLength(0);
            }
        }
    }

    /**
     * The current start tag's attributes, keyed by qualified name. A prefix other than {@code xml} used by an
     * attribute keeps its binding as an {@code xmlns:p} attribute so the element can be written back well-formed.
     */
    static AttrMap attributes(XMLStreamReader reader, int n) throws XmppStreamException {
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
                checkLocalPart(local);
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

    /**
     * Namespaces in XML 1.0 §4: the local part of a prefixed name is an NCName, which aalto does not check: it took
     * {@code <stream:3x/>}, an element XmlWriter then wrote as {@code <3x xmlns='...'/>}, which no parser accepts
     * (found by XmppStreamParserFuzzTest). aalto has checked the rest of the name; only its first character can be
     * one that may follow a colon but not start a name.
     */
    static void checkLocalPart(String local) throws XmppStreamException {
        char c = local.isEmpty() ? '0' : local.charAt(0);
        if ((c >= '0' && c <= '9') || c == '-' || c == '.' || c == '\u00B7' || (c >= '\u0300' && c <= '\u036F')
                || c == '\u203F' || c == '\u2040') {
            throw new XmppStreamException(StreamErrorCondition.NOT_WELL_FORMED,
                    "the local part of a prefixed name cannot start with " + c);
        }
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
