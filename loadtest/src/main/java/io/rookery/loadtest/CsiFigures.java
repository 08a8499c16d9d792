package io.rookery.loadtest;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * presence-churn with --csi-inactive-every (XEP-0352): what inactive and active users received from the churn's start
 * to the end of the grace period, then what the inactive ones got once they said they were active.
 */
final class CsiFigures {
    private CsiFigures() {}

    /**
     * Wakes the inactive sessions, waits until nothing more arrived for a second (what was held comes in one write
     * per session) or until {@code until}, and returns the figures as one line (also printed).
     */
    static String collect(Engine engine, Metrics metrics, PrintStream err, long until, BooleanSupplier stop)
            throws InterruptedException {
        long inactiveBytes = metrics.csiInactiveBytes.sum();
        long inactiveStanzas = metrics.csiInactiveStanzas.sum();
        long activeBytes = metrics.csiActiveBytes.sum();
        long activeStanzas = metrics.csiActiveStanzas.sum();
        long inactive = metrics.csiInactiveSessions.sum();
        long active = Math.max(0, metrics.sessionsUp.get() - inactive);
        long woken = engine.wakeInactive();
        long seen = -1;
        while (!stop.getAsBoolean() && System.nanoTime() < until && seen != metrics.csiWakeBytes.sum()) {
            seen = metrics.csiWakeBytes.sum();
            Thread.sleep(1000);
        }
        long wakeStanzas = metrics.csiWakeStanzas.sum();
        long wakeBytes = metrics.csiWakeBytes.sum();
        String line = String.format(Locale.ROOT, "csi: %d inactive sessions received %d stanzas, %d bytes while"
                + " inactive (%.1f stanzas, %.0f bytes each), then %d stanzas, %d bytes once %d said <active/>"
                + " (%.1f stanzas, %.0f bytes each); %d active sessions received %d stanzas, %d bytes (%.1f stanzas,"
                + " %.0f bytes each)", inactive, inactiveStanzas, inactiveBytes, per(inactiveStanzas, inactive),
                per(inactiveBytes, inactive), wakeStanzas, wakeBytes, woken, per(wakeStanzas, woken),
                per(wakeBytes, woken), active, activeStanzas, activeBytes, per(activeStanzas, active),
                per(activeBytes, active));
        err.println("loadtest: " + line);
        return line;
    }

    private static double per(long total, long sessions) {
        return sessions == 0 ? 0 : (double) total / sessions;
    }
}
