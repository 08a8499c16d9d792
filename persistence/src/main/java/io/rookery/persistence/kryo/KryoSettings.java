package io.rookery.persistence.kryo;

import com.typesafe.config.Config;
import java.util.LinkedHashSet;
import java.util.List;

/** {@code rookery.kryo}, read once and checked when the serializer starts. */
record KryoSettings(List<String> registrars, int bufferSize, int maxBufferSize, int poolSize, int maxDepth) {

    static final String PATH = "rookery.kryo";

    KryoSettings {
        // A registrar listed twice (easy with `+=` in several config files) would clash with its own ids.
        registrars = List.copyOf(new LinkedHashSet<>(registrars));
        if (bufferSize < 64) throw new IllegalArgumentException(PATH + ".buffer-size must be at least 64 bytes");
        if (maxBufferSize < bufferSize) {
            throw new IllegalArgumentException(PATH + ".max-buffer-size must be at least buffer-size");
        }
        if (poolSize < 1) throw new IllegalArgumentException(PATH + ".pool-size must be at least 1");
        if (maxDepth < 8) throw new IllegalArgumentException(PATH + ".max-depth must be at least 8");
    }

    static KryoSettings fromConfig(Config root) {
        Config c = root.getConfig(PATH);
        List<String> registrars = new java.util.ArrayList<>(c.getStringList("registrars"));
        // Modules add theirs under module-registrars: objects merge across reference.conf files whatever the
        // classpath order, where a list would be replaced by the last file read.
        Config modules = c.getConfig("module-registrars");
        new java.util.TreeSet<>(modules.root().keySet()).forEach(k -> registrars.add(modules.getString(k)));
        return new KryoSettings(
                registrars,
                bytes(c, "buffer-size"),
                bytes(c, "max-buffer-size"),
                c.getInt("pool-size"),
                c.getInt("max-depth"));
    }

    private static int bytes(Config c, String key) {
        long value = c.getBytes(key);
        if (value > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(PATH + "." + key + " must be below 2 GiB");
        }
        return (int) value;
    }
}
