package io.rookery.protocol.xml;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Immutable, insertion-ordered attribute map backed by one array of alternating keys and values. Elements rarely
 * carry more than a handful of attributes, so a linear scan beats hashing and the array costs far less memory than
 * a LinkedHashMap with its entry objects.
 */
final class AttrMap extends AbstractMap<String, String> {
    static final AttrMap EMPTY = new AttrMap(new String[0]);

    private final String[] kv;

    private AttrMap(String[] kv) {
        this.kv = kv;
    }

    /** Takes ownership of {@code kv}: the caller must not touch it afterwards. Keys must be distinct. */
    static AttrMap wrap(String[] kv) {
        return kv.length == 0 ? EMPTY : new AttrMap(kv);
    }

    static AttrMap copyOf(Map<String, String> source) {
        if (source instanceof AttrMap a) {
            return a;
        }
        if (source == null || source.isEmpty()) {
            return EMPTY;
        }
        String[] kv = new String[source.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : source.entrySet()) {
            kv[i++] = Element.checkAttrName(e.getKey());
            kv[i++] = requireValue(e.getKey(), e.getValue());
        }
        return new AttrMap(kv);
    }

    private static String requireValue(String key, String value) {
        if (value == null) {
            throw new NullPointerException("attribute value of " + key);
        }
        return value;
    }

    /** Copy with {@code key} set to {@code value} (kept in place if present, else appended), or removed when null. */
    AttrMap with(String key, String value) {
        int at = indexOf(key);
        if (value == null) {
            if (at < 0) {
                return this;
            }
            String[] next = new String[kv.length - 2];
            System.arraycopy(kv, 0, next, 0, at);
            System.arraycopy(kv, at + 2, next, at, kv.length - at - 2);
            return wrap(next);
        }
        String[] next;
        if (at >= 0) {
            next = kv.clone();
            next[at + 1] = value;
        } else {
            next = new String[kv.length + 2];
            System.arraycopy(kv, 0, next, 0, kv.length);
            next[kv.length] = Element.checkAttrName(key);
            next[kv.length + 1] = value;
        }
        return new AttrMap(next);
    }

    /** Estimated heap of the map, its keys' characters counted as if none were shared (see ElementStack). */
    long retainedBytes() {
        if (kv.length == 0) {
            return 0;
        }
        long bytes = ElementStack.ATTRIBUTE_MAP_BYTES;
        for (int i = 0; i < kv.length; i += 2) {
            bytes += ElementStack.ATTRIBUTE_BYTES + 2L * (kv[i].length() + kv[i + 1].length());
        }
        return bytes;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String get(Object key) {
        int at = indexOf(key);
        return at < 0 ? null : kv[at + 1];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return kv.length / 2;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < kv.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (i >= kv.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(kv[i], kv[i + 1]);
                        i += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return kv.length / 2;
            }
        };
    }
}
