package io.rookery.persistence.kryo;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Kryo's resolver plus one fallback: any typed {@link ActorRef} class without a registration of its own (the
 * system adapter, refs from other Pekko modules) is written under the ActorRef registration. Registration-required
 * mode cannot otherwise cover an open family of implementation classes, and the ActorRef serializer reads all of
 * them back the same way.
 */
final class RookeryClassResolver extends DefaultClassResolver {

    private Registration actorRefs;

    void useForAllActorRefs(Registration registration) {
        actorRefs = registration;
    }

    boolean hasOwnRegistration(Class<?> type) {
        return super.getRegistration(type) != null;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Registration getRegistration(Class type) {
        Registration own = super.getRegistration(type);
        if (own == null && actorRefs != null && ActorRef.class.isAssignableFrom(type)) {
            return actorRefs;
        }
        return own;
    }
}
