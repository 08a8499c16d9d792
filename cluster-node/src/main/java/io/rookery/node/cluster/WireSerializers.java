package io.rookery.node.cluster;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.node.user.UserEntity;
import io.rookery.protocol.jid.InvalidJidException;
import io.rookery.protocol.jid.Jid;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.xml.Element;
import io.rookery.protocol.xml.Node;
import io.rookery.protocol.xml.Text;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Hand-written layouts for the protocol values inside cluster messages. */
final class WireSerializers {
    private WireSerializers() {}

    /**
     * An element tree as name, namespace, attributes and children, written directly: a stanza crosses nodes without
     * being printed as XML and parsed again. Depth is bounded by Kryo's max-depth setting of the serializer.
     */
    static final class ElementSerializer extends Serializer<Element> {
        private static final int TEXT = 0;
        private static final int ELEMENT = 1;

        ElementSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output out, Element e) {
            out.writeString(e.name());
            out.writeString(e.namespace());
            Map<String, String> attrs = e.attributes();
            out.writeVarInt(attrs.size(), true);
            for (Map.Entry<String, String> a : attrs.entrySet()) {
                out.writeString(a.getKey());
                out.writeString(a.getValue());
            }
            List<Node> children = e.children();
            out.writeVarInt(children.size(), true);
            for (Node child : children) {
                if (child instanceof Text t) {
                    out.writeByte(TEXT);
                    out.writeString(t.text());
                } else {
                    out.writeByte(ELEMENT);
                    write(kryo, out, (Element) child);
                }
            }
        }

        @Override
        public Element read(Kryo kryo, Input in, Class<? extends Element> type) {
            return read(in, 0);
        }

        private Element read(Input in, int depth) {
            if (depth > 512) throw new KryoException("element nested deeper than 512");
            String name = in.readString();
            String namespace = in.readString();
            int attrCount = in.readVarInt(true);
            Map<String, String> attrs = new LinkedHashMap<>(Math.min(attrCount, 64) * 2);
            for (int i = 0; i < attrCount; i++) attrs.put(in.readString(), in.readString());
            int childCount = in.readVarInt(true);
            List<Node> children = new ArrayList<>(Math.min(childCount, 1024));
            for (int i = 0; i < childCount; i++) {
                int kind = in.readByte();
                if (kind == TEXT) children.add(new Text(in.readString()));
                else if (kind == ELEMENT) children.add(read(in, depth + 1));
                else throw new KryoException("unknown element child kind " + kind);
            }
            return new Element(name, namespace, attrs, children);
        }
    }

    /** A JID as its string form, prepared again on reading. */
    static final class JidSerializer extends Serializer<Jid> {
        JidSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output out, Jid jid) {
            out.writeString(jid.toString());
        }

        @Override
        public Jid read(Kryo kryo, Input in, Class<? extends Jid> type) {
            String s = in.readString();
            try {
                return Jid.parse(s);
            } catch (InvalidJidException e) {
                throw new KryoException("invalid JID on the wire: " + s, e);
            }
        }
    }

    /** Optional credentials: a presence flag, then the credentials in their registered layout. */
    static final class CredentialsResultSerializer extends Serializer<UserEntity.CredentialsResult> {
        CredentialsResultSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output out, UserEntity.CredentialsResult r) {
            out.writeBoolean(r.credentials().isPresent());
            r.credentials().ifPresent(c -> kryo.writeObject(out, c));
        }

        @Override
        public UserEntity.CredentialsResult read(Kryo kryo, Input in, Class<? extends UserEntity.CredentialsResult> t) {
            return new UserEntity.CredentialsResult(in.readBoolean()
                    ? Optional.of(kryo.readObject(in, ScramCredentials.class)) : Optional.empty());
        }
    }

    /** Optional credentials as in CredentialsResult, then the disabled flag. */
    static final class LoginCredentialsSerializer extends Serializer<UserEntity.LoginCredentials> {
        LoginCredentialsSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output out, UserEntity.LoginCredentials r) {
            out.writeBoolean(r.credentials().isPresent());
            r.credentials().ifPresent(c -> kryo.writeObject(out, c));
            out.writeBoolean(r.disabled());
        }

        @Override
        public UserEntity.LoginCredentials read(Kryo kryo, Input in, Class<? extends UserEntity.LoginCredentials> t) {
            Optional<ScramCredentials> credentials = in.readBoolean()
                    ? Optional.of(kryo.readObject(in, ScramCredentials.class)) : Optional.empty();
            return new UserEntity.LoginCredentials(credentials, in.readBoolean());
        }
    }
}
