package io.rookery.persistence.user;

import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;
import io.rookery.protocol.sasl.ScramCredentials;
import io.rookery.protocol.sasl.ScramHash;

/**
 * Kryo ids 100-199: user events, snapshots and what they hold. Append only: 106-119 are in {@link ImEventsRegistrar},
 * which has the next free id; a line here is never removed or renumbered, and a registered class's serializer never
 * changes its layout.
 */
public final class UserEventsRegistrar implements KryoRegistrar {

    @Override
    public void register(KryoRegistry registry) {
        registry.register(ScramCredentials.class, 100, new UserEventSerializers.ScramCredentialsSerializer());
        registry.register(ScramHash.class, 101, new UserEventSerializers.ScramHashSerializer());
        registry.register(AccountCreated.class, 102, new UserEventSerializers.AccountCreatedSerializer());
        registry.register(PasswordChanged.class, 103, new UserEventSerializers.PasswordChangedSerializer());
        registry.register(AccountDeleted.class, 104, new UserEventSerializers.AccountDeletedSerializer());
        registry.register(UserSnapshot.class, 105, new UserEventSerializers.UserSnapshotSerializer());
    }
}
