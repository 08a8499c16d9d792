package io.rookery.persistence.user;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Field layouts shared by the hand-written serializers, each with a size cap. Caps are checked when writing too:
 * an event that could not be read back must fail to persist rather than make the journal unreadable.
 *
 * <p>A string is a varint of its UTF-8 length plus one (0 for null), then the bytes. A list is a varint count,
 * then its elements. A map is a list of key, value pairs in ascending key order, so equal maps have equal bytes.
 */
public final class PersistedFields {

    /** RFC 7622 §3: three parts of at most 1023 bytes and two separators. */
    public static final int MAX_JID_BYTES = 3 * 1023 + 2;
    /** Stored stanzas, vCards, private XML and every other string: far above the default largest stanza. */
    public static final int MAX_TEXT_BYTES = 1024 * 1024;
    /** Items in one list or map: a roster, an offline queue, a blocklist, the groups of one item. */
    public static final int MAX_ITEMS = 100_000;
    /** One entry per hash the server offers (as in {@link UserEventSerializers}). */
    public static final int MAX_CREDENTIALS = 64;

    private PersistedFields() {
    }

    public static void writeString(Output output, String s, int maxBytes, String what) {
        if (s == null) {
            output.writeVarInt(0, true);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new KryoException(what + " of " + bytes.length + " bytes is longer than the limit of " + maxBytes);
        }
        output.writeVarInt(bytes.length + 1, true);
        output.writeBytes(bytes);
    }

    /** A string that may not be null. */
    public static String readString(Input input, int maxBytes, String what) {
        String s = readNullableString(input, maxBytes, what);
        if (s == null) throw new KryoException(what + " is missing");
        return s;
    }

    public static String readNullableString(Input input, int maxBytes, String what) {
        int lengthPlusOne = input.readVarInt(true);
        if (lengthPlusOne == 0) return null;
        int length = lengthPlusOne - 1;
        if (lengthPlusOne < 0 || length > maxBytes) {
            throw new KryoException(what + " of " + Integer.toUnsignedLong(length) + " bytes");
        }
        checkAvailable(input, length, what);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(input.readBytes(length)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new KryoException(what + " is not valid UTF-8", e);
        }
    }

    public static void writeCount(Output output, int count, int max, String what) {
        if (count > max) throw new KryoException(count + " " + what + " are more than the limit of " + max);
        output.writeVarInt(count, true);
    }

    public static int readCount(Input input, int max, String what) {
        int count = input.readVarInt(true);
        if (count < 0 || count > max) throw new KryoException(Integer.toUnsignedLong(count) + " " + what);
        return count;
    }

    public static void writeStrings(Output output, List<String> strings, int maxBytes, String what) {
        writeCount(output, strings.size(), MAX_ITEMS, what + "s");
        for (String s : strings) {
            writeString(output, s, maxBytes, what);
        }
    }

    public static List<String> readStrings(Input input, int maxBytes, String what) {
        int count = readCount(input, MAX_ITEMS, what + "s");
        List<String> strings = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            strings.add(readString(input, maxBytes, what));
        }
        return strings;
    }

    /** Each element in its registered serializer's layout, without a class id. */
    public static <T> void writeObjects(Kryo kryo, Output output, List<T> objects, int max, String what) {
        writeCount(output, objects.size(), max, what);
        for (T o : objects) {
            kryo.writeObject(output, o);
        }
    }

    public static <T> List<T> readObjects(Kryo kryo, Input input, Class<T> type, int max, String what) {
        int count = readCount(input, max, what);
        List<T> objects = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            objects.add(kryo.readObject(input, type));
        }
        return objects;
    }

    public static void writeStringMap(Output output, Map<String, String> map, int maxKeyBytes, int maxValueBytes,
            String what) {
        writeCount(output, map.size(), MAX_ITEMS, what + " entries");
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            writeString(output, e.getKey(), maxKeyBytes, what + " key");
            writeString(output, e.getValue(), maxValueBytes, what + " value");
        }
    }

    /** Refuses keys out of order, which also refuses duplicates: each map has exactly one encoding. */
    public static Map<String, String> readStringMap(Input input, int maxKeyBytes, int maxValueBytes, String what) {
        int count = readCount(input, MAX_ITEMS, what + " entries");
        Map<String, String> map = new LinkedHashMap<>();
        String previous = null;
        for (int i = 0; i < count; i++) {
            String key = readString(input, maxKeyBytes, what + " key");
            if (previous != null && previous.compareTo(key) >= 0) {
                throw new KryoException(what + " keys out of order");
            }
            map.put(key, readString(input, maxValueBytes, what + " value"));
            previous = key;
        }
        return map;
    }

    public static boolean readFlag(Input input, String what) {
        byte b = input.readByte();
        if (b != 0 && b != 1) throw new KryoException(what + " flag " + b + " is neither 0 nor 1");
        return b == 1;
    }

    /** Refuses a length past the end of an in-memory input before allocating for it. */
    private static void checkAvailable(Input input, int length, String what) {
        if (input.getInputStream() == null && length > input.limit() - input.position()) {
            throw new KryoException(what + " of " + length + " bytes runs past the end of the input");
        }
    }

    /**
     * A hand-written layout for a registrar: what write puts out, read takes back, nothing else (no Kryo defaults);
     * immutable, so Kryo copies by reference.
     */
    public static <T> com.esotericsoftware.kryo.Serializer<T> layout(java.util.function.BiConsumer<Output, T> write,
            java.util.function.Function<Input, T> read) {
        com.esotericsoftware.kryo.Serializer<T> s = new com.esotericsoftware.kryo.Serializer<>() {
            @Override
            public void write(Kryo kryo, Output output, T object) {
                write.accept(output, object);
            }

            @Override
            public T read(Kryo kryo, Input input, Class<? extends T> type) {
                return read.apply(input);
            }
        };
        s.setImmutable(true);
        return s;
    }
}
