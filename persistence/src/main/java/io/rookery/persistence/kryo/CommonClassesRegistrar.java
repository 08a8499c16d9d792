package io.rookery.persistence.kryo;

import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Ids 10-99: JDK classes that messages and events commonly hold, and typed ActorRefs. Always registered before
 * the configured registrars. Append only: a line here is never removed or renumbered.
 *
 * <p>The immutable collections ({@code List.of}, {@code Set.of}, {@code Map.of} and what {@code copyOf},
 * {@code Stream.toList()} return) have two runtime classes each; Kryo's default serializers for them read back
 * immutable collections again. {@code UUID} needs an explicit serializer: Kryo's field serializer cannot open JDK
 * internals on Java 17.
 */
final class CommonClassesRegistrar implements KryoRegistrar {

    static final int ACTOR_REF_ID = 30;

    @Override
    public void register(KryoRegistry registry) {
        registry.register(byte[].class, 10);
        registry.register(int[].class, 11);
        registry.register(long[].class, 12);
        registry.register(String[].class, 13);
        registry.register(ArrayList.class, 14);
        registry.register(List.of().getClass(), 15);
        registry.register(List.of(1).getClass(), 16);
        registry.register(HashMap.class, 17);
        registry.register(LinkedHashMap.class, 18);
        registry.register(Map.of().getClass(), 19);
        registry.register(Map.of(1, 1).getClass(), 20);
        registry.register(HashSet.class, 21);
        registry.register(LinkedHashSet.class, 22);
        registry.register(Set.of().getClass(), 23);
        registry.register(Set.of(1).getClass(), 24);
        registry.register(UUID.class, 25, new DefaultSerializers.UUIDSerializer());
        registry.register(Instant.class, 26);
        registry.register(Duration.class, 27);
        registry.registerActorRefs(ACTOR_REF_ID);
    }
}
