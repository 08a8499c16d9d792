package io.rookery.node.s2s;

import io.rookery.persistence.kryo.KryoRegistrar;
import io.rookery.persistence.kryo.KryoRegistry;

/**
 * Kryo ids 480-499: the messages of remote-domain links, which cross nodes when a sender or an inbound stream is on
 * another member than the domain's link. Records in Kryo's record layout; a changed message is a new record with a
 * new id. Append only: the next free id is 484.
 */
public final class S2sMessagesRegistrar implements KryoRegistrar {
    @Override
    public void register(KryoRegistry registry) {
        registry.register(RemoteDomainEntity.Send.class, 480);
        registry.register(RemoteDomainEntity.Verify.class, 481);
        registry.register(RemoteDomainEntity.Verified.class, 482);
        registry.register(S2sOutbox.Ack.class, 483);
    }
}
