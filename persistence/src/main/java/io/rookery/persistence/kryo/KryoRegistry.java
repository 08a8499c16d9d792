package io.rookery.persistence.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter;

/**
 * What a {@link KryoRegistrar} sees while one Kryo instance is set up: registration with explicit ids, refusing
 * an id or class given twice (Kryo itself would silently overwrite, corrupting whatever was written under the
 * old meaning).
 */
public final class KryoRegistry {

    /** Kryo gives 0-9 to the primitives and String itself, whatever we register. */
    public static final int FIRST_FREE_ID = 10;

    private final Kryo kryo;
    private final RookeryClassResolver classes;
    private final ActorRefResolver actorRefResolver;

    KryoRegistry(Kryo kryo, RookeryClassResolver classes, ActorRefResolver actorRefResolver) {
        if (kryo.getClassResolver() != classes) {
            throw new IllegalArgumentException("the Kryo instance must use the given class resolver");
        }
        this.kryo = kryo;
        this.classes = classes;
        this.actorRefResolver = actorRefResolver;
    }

    /** Registers with the serializer Kryo picks by default (records: Kryo's RecordSerializer). */
    public void register(Class<?> type, int id) {
        checkFree(type, id);
        kryo.register(type, id);
    }

    /** Registers with an explicit serializer, which freezes the byte layout independently of Kryo's defaults. */
    public void register(Class<?> type, int id, Serializer<?> serializer) {
        Objects.requireNonNull(serializer, "serializer");
        checkFree(type, id);
        kryo.register(type, serializer, id);
    }

    /**
     * Registers typed ActorRefs under {@code id}: Pekko's adapter class (what spawned, resolved and remote typed
     * refs all are at runtime) explicitly, and every other typed ActorRef class as a fallback to the same id.
     */
    public void registerActorRefs(int id) {
        KryoActorRefSerializer serializer = new KryoActorRefSerializer(actorRefResolver());
        register(ActorRefAdapter.class, id, serializer);
        kryo.addDefaultSerializer(ActorRef.class, serializer);
        classes.useForAllActorRefs(kryo.getRegistration(id));
    }

    /** The resolver of the actor system the serializer belongs to, for serializers of classes holding refs. */
    public ActorRefResolver actorRefResolver() {
        if (actorRefResolver == null) {
            throw new IllegalStateException("this Kryo registry has no actor system, so it cannot handle ActorRefs");
        }
        return actorRefResolver;
    }

    /** The Kryo instance being set up, for settings a registrar really needs; prefer the methods above. */
    public Kryo kryo() {
        return kryo;
    }

    private void checkFree(Class<?> type, int id) {
        Objects.requireNonNull(type, "type");
        if (id < FIRST_FREE_ID) {
            throw new IllegalArgumentException("Kryo id " + id + " for " + type.getName()
                    + " is below " + FIRST_FREE_ID + ": Kryo reserves 0-9 for primitives and String");
        }
        Registration taken = kryo.getRegistration(id);
        if (taken != null) {
            throw new IllegalArgumentException("Kryo id " + id + " is already taken by " + taken.getType().getName()
                    + ", cannot give it to " + type.getName() + " (ids are append-only: pick an unused one)");
        }
        if (classes.hasOwnRegistration(type)) {
            throw new IllegalArgumentException(type.getName() + " is already registered with Kryo id "
                    + kryo.getRegistration(type).getId() + ", cannot register it again as " + id);
        }
    }
}
