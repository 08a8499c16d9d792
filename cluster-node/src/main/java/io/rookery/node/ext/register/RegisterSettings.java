package io.rookery.node.ext.register;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code rookery.modules.register}: how many accounts one connection, one client address within addressWindow and
 * the whole node within nodeWindow may register; 0 for the address or node limit switches it off.
 */
public record RegisterSettings(int maxPerStream, int maxPerAddress, Duration addressWindow, int maxPerNode,
        Duration nodeWindow) {

    static RegisterSettings from(Config c) {
        String name = "rookery.modules.register";
        return new RegisterSettings(range(c.getInt("max-per-stream"), 1, 100, name + ".max-per-stream"),
                range(c.getInt("max-per-address"), 0, 1_000_000, name + ".max-per-address"),
                positive(c.getDuration("address-window"), name + ".address-window"),
                range(c.getInt("max-per-node"), 0, 1_000_000, name + ".max-per-node"),
                positive(c.getDuration("node-window"), name + ".node-window"));
    }

    private static int range(int v, int min, int max, String name) {
        if (v < min || v > max) throw new IllegalArgumentException(name + " must be between " + min + " and " + max);
        return v;
    }

    private static Duration positive(Duration d, String name) {
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
        return d;
    }
}
