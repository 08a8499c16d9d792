package io.rookery.persistence.kryo;

import com.esotericsoftware.kryo.Kryo;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRefResolver;

/** Builds identically registered Kryo instances for the pool. */
final class KryoFactory {

    private final List<KryoRegistrar> registrars;
    private final ActorRefResolver actorRefResolver;
    private final ClassLoader classLoader;
    private final int maxDepth;

    KryoFactory(KryoSettings settings, ActorRefResolver actorRefResolver, ClassLoader classLoader) {
        this.actorRefResolver = actorRefResolver;
        this.classLoader = classLoader;
        this.maxDepth = settings.maxDepth();
        List<KryoRegistrar> all = new ArrayList<>();
        all.add(new CommonClassesRegistrar());
        for (String name : settings.registrars()) {
            all.add(instantiate(name, classLoader));
        }
        this.registrars = List.copyOf(all);
    }

    Kryo create() {
        RookeryClassResolver classes = new RookeryClassResolver();
        // No reference resolver: messages and events are trees, and references would cost a lookup per object.
        Kryo kryo = new Kryo(classes, null);
        kryo.setRegistrationRequired(true);
        kryo.setClassLoader(classLoader);
        kryo.setMaxDepth(maxDepth);
        KryoRegistry registry = new KryoRegistry(kryo, classes, actorRefResolver);
        for (KryoRegistrar registrar : registrars) {
            registrar.register(registry);
        }
        return kryo;
    }

    private static KryoRegistrar instantiate(String name, ClassLoader loader) {
        String where = KryoSettings.PATH + ".registrars entry " + name;
        Class<?> type;
        try {
            type = Class.forName(name, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(where + ": no such class", e);
        }
        if (!KryoRegistrar.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(where + ": does not implement " + KryoRegistrar.class.getName());
        }
        try {
            return (KryoRegistrar) type.getConstructor().newInstance();
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw new IllegalArgumentException(where + ": needs a public no-arg constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(where + ": constructor failed", e.getCause());
        }
    }
}
