package io.rookery.persistence.user;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;
import java.util.List;

/**
 * Hand-written layouts for the user events: every field is written explicitly, in a fixed order, so neither record
 * component order nor Kryo's defaults can move a byte. Frozen by {@code UserEventsFrozenBytesTest}.
 */
final class UserEventSerializers {

    /** SCRAM salts and keys are tens of bytes; a larger length means corrupt input, not a reason to allocate. */
    private static final int MAX_FIELD_BYTES = 1024;
    /** One entry per hash the server offers. */
    private static final int MAX_CREDENTIALS = 64;

    private UserEventSerializers() {
    }

    /** A stable code per hash, independent of the enum's declaration order. */
    static final class ScramHashSerializer extends Serializer<ScramHash> {
        ScramHashSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, ScramHash hash) {
            output.writeByte(code(hash));
        }

        @Override
        public ScramHash read(Kryo kryo, Input input, Class<? extends ScramHash> type) {
            return hash(input.readByte());
        }

        /** Exhaustive on purpose: a new hash does not compile until it has a code here. */
        static int code(ScramHash hash) {
            return switch (hash) {
                case SHA_1 -> 1;
                case SHA_256 -> 2;
                case SHA_512 -> 3;
            };
        }

        static ScramHash hash(int code) {
            return switch (code) {
                case 1 -> ScramHash.SHA_1;
                case 2 -> ScramHash.SHA_256;
                case 3 -> ScramHash.SHA_512;
                default -> throw new KryoException("unknown SCRAM hash code " + code);
            };
        }
    }

    /** hash code (1 byte), salt, iterations (varint), StoredKey, ServerKey; byte fields as varint length + bytes. */
    static final class ScramCredentialsSerializer extends Serializer<ScramCredentials> {
        ScramCredentialsSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, ScramCredentials c) {
            output.writeByte(ScramHashSerializer.code(c.hash()));
            writeBytes(output, c.salt());
            output.writeVarInt(c.iterations(), true);
            writeBytes(output, c.storedKey());
            writeBytes(output, c.serverKey());
        }

        @Override
        public ScramCredentials read(Kryo kryo, Input input, Class<? extends ScramCredentials> type) {
            ScramHash hash = ScramHashSerializer.hash(input.readByte());
            byte[] salt = readBytes(input);
            int iterations = input.readVarInt(true);
            byte[] storedKey = readBytes(input);
            byte[] serverKey = readBytes(input);
            return new ScramCredentials(hash, salt, iterations, storedKey, serverKey);
        }

        private static void writeBytes(Output output, byte[] bytes) {
            output.writeVarInt(bytes.length, true);
            output.writeBytes(bytes);
        }

        private static byte[] readBytes(Input input) {
            int length = input.readVarInt(true);
            if (length < 0 || length > MAX_FIELD_BYTES) {
                throw new KryoException("SCRAM field of " + length + " bytes");
            }
            return input.readBytes(length);
        }
    }

    /** Credentials list, then createdAtMillis (8 bytes). */
    static final class AccountCreatedSerializer extends Serializer<AccountCreated> {
        AccountCreatedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, AccountCreated e) {
            writeCredentials(kryo, output, e.credentials());
            output.writeLong(e.createdAtMillis());
        }

        @Override
        public AccountCreated read(Kryo kryo, Input input, Class<? extends AccountCreated> type) {
            List<ScramCredentials> credentials = readCredentials(kryo, input);
            return new AccountCreated(credentials, input.readLong());
        }
    }

    /** Credentials list, then changedAtMillis (8 bytes). */
    static final class PasswordChangedSerializer extends Serializer<PasswordChanged> {
        PasswordChangedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, PasswordChanged e) {
            writeCredentials(kryo, output, e.credentials());
            output.writeLong(e.changedAtMillis());
        }

        @Override
        public PasswordChanged read(Kryo kryo, Input input, Class<? extends PasswordChanged> type) {
            List<ScramCredentials> credentials = readCredentials(kryo, input);
            return new PasswordChanged(credentials, input.readLong());
        }
    }

    /** deletedAtMillis (8 bytes). */
    static final class AccountDeletedSerializer extends Serializer<AccountDeleted> {
        AccountDeletedSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, AccountDeleted e) {
            output.writeLong(e.deletedAtMillis());
        }

        @Override
        public AccountDeleted read(Kryo kryo, Input input, Class<? extends AccountDeleted> type) {
            return new AccountDeleted(input.readLong());
        }
    }

    /** disabledAtMillis (8 bytes). */
    static final class AccountDisabledSerializer extends Serializer<AccountDisabled> {
        AccountDisabledSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, AccountDisabled e) {
            output.writeLong(e.disabledAtMillis());
        }

        @Override
        public AccountDisabled read(Kryo kryo, Input input, Class<? extends AccountDisabled> type) {
            return new AccountDisabled(input.readLong());
        }
    }

    /** enabledAtMillis (8 bytes). */
    static final class AccountEnabledSerializer extends Serializer<AccountEnabled> {
        AccountEnabledSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, AccountEnabled e) {
            output.writeLong(e.enabledAtMillis());
        }

        @Override
        public AccountEnabled read(Kryo kryo, Input input, Class<? extends AccountEnabled> type) {
            return new AccountEnabled(input.readLong());
        }
    }

    /** Credentials list, then exists (1 byte). */
    static final class UserSnapshotSerializer extends Serializer<UserSnapshot> {
        UserSnapshotSerializer() {
            setImmutable(true);
        }

        @Override
        public void write(Kryo kryo, Output output, UserSnapshot s) {
            writeCredentials(kryo, output, s.credentials());
            output.writeBoolean(s.exists());
        }

        @Override
        public UserSnapshot read(Kryo kryo, Input input, Class<? extends UserSnapshot> type) {
            List<ScramCredentials> credentials = readCredentials(kryo, input);
            return new UserSnapshot(credentials, input.readBoolean());
        }
    }

    /** Count (varint), then each entry in ScramCredentials' layout without a class id. */
    private static void writeCredentials(Kryo kryo, Output output, List<ScramCredentials> credentials) {
        output.writeVarInt(credentials.size(), true);
        for (ScramCredentials c : credentials) {
            kryo.writeObject(output, c);
        }
    }

    private static List<ScramCredentials> readCredentials(Kryo kryo, Input input) {
        int count = input.readVarInt(true);
        if (count < 0 || count > MAX_CREDENTIALS) {
            throw new KryoException(count + " SCRAM credentials");
        }
        ScramCredentials[] credentials = new ScramCredentials[count];
        for (int i = 0; i < count; i++) {
            credentials[i] = kryo.readObject(input, ScramCredentials.class);
        }
        return List.of(credentials);
    }
}
