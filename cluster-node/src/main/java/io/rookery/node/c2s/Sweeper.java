package io.rookery.node.c2s;

import io.rookery.node.user.SessionProtocol;

import io.rookery.node.config.RookerySettings;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One periodic sweep over every connection of the node: negotiation timeout, idle timeout, whitespace keepalive
 * (RFC 6120 §4.6.1), server pings (XEP-0199) and acknowledgement requests that waited (XEP-0198). A timer per
 * connection would cost memory and scheduler work for every idle session.
 */
public final class Sweeper {
    private enum Tick implements org.apache.pekko.actor.NoSerializationVerificationNeeded { INSTANCE }

    private static final long CLOSE_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final Set<SessionClock> clocks = ConcurrentHashMap.newKeySet();
    /** Node-wide state that forgets by itself but is trimmed here too (the SASL throttle). */
    private final java.util.List<Runnable> housekeeping = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<java.util.function.IntSupplier> onShutdown =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final long negotiationNanos;
    private final long idleNanos;
    private final long keepaliveNanos;
    private final long pingAfterNanos;
    private final long pingTimeoutNanos;
    private final Duration interval;
    private final long intervalNanos;

    public Sweeper(RookerySettings.C2sSettings settings) {
        this.negotiationNanos = settings.negotiationTimeout().toNanos();
        this.idleNanos = settings.idleTimeout().toNanos();
        this.keepaliveNanos = settings.whitespaceKeepalive().toNanos();
        this.pingAfterNanos = settings.pingAfter().toNanos();
        this.pingTimeoutNanos = settings.pingTimeout().toNanos();
        this.interval = settings.sweepInterval();
        this.intervalNanos = interval.toNanos();
    }

    void register(SessionClock clock) {
        clocks.add(clock);
    }

    void unregister(SessionClock clock) {
        clocks.remove(clock);
    }

    /** Runs this on every sweep too. */
    void alsoSweep(Runnable task) {
        housekeeping.add(task);
    }

    /** Runs this at coordinated shutdown too, after the connected sessions were told; it says how many it told. */
    void alsoOnShutdown(java.util.function.IntSupplier task) {
        onShutdown.add(task);
    }

    /** Coordinated shutdown: every session ends with the system-shutdown stream error (RFC 6120 §4.9.3.17). */
    public int shutdownAll() {
        int told = 0;
        for (SessionClock c : clocks) {
            if (c.session != null && !c.closed) {
                c.session.tell(new SessionProtocol.Kicked(SessionProtocol.Kick.SYSTEM_SHUTDOWN));
                told++;
            }
        }
        for (java.util.function.IntSupplier task : onShutdown) told += task.getAsInt();
        return told;
    }

    public int connections() {
        return clocks.size();
    }

    public Behavior<Object> behavior() {
        return Behaviors.<Object>withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, interval);
            return Behaviors.receiveMessage(msg -> {
                sweep(System.nanoTime());
                for (Runnable task : housekeeping) task.run();
                return Behaviors.same();
            });
        }).narrow();
    }

    /**
     * XEP-0199: pings a client silent for ping-after; one that stays silent for ping-timeout after it is dead. Any
     * input since the ping answers it. True when the connection was given up.
     */
    private boolean ping(SessionClock c, long now) {
        long sent = c.pingSentAt;
        if (sent != 0 && c.lastInput - sent >= 0) {
            c.pingSentAt = 0;
            sent = 0;
        }
        if (sent == 0) {
            if (now - c.lastInput > pingAfterNanos) {
                // Never 0, which means no ping is outstanding.
                c.pingSentAt = now == 0 ? 1 : now;
                c.session.tell(SessionActor.PingDue.INSTANCE);
            }
            return false;
        }
        if (now - sent <= pingTimeoutNanos) return false;
        c.pingSentAt = 0;
        c.closed = true;
        c.session.tell(SessionActor.TimedOut.PING);
        return true;
    }

    void sweep(long now) {
        for (SessionClock c : clocks) {
            if (c.session == null) continue;
            if (c.closed) {
                // The stream was closed but the socket never drained (a client that stopped reading): cut it.
                if (c.closedAt != 0 && now - c.closedAt > CLOSE_GRACE_NANOS) {
                    c.closedAt = 0;
                    c.stage.tell(ConnectionStage.ABORT, org.apache.pekko.actor.ActorRef.noSender());
                }
                continue;
            }
            if (!c.compacted && now - c.lastInput > intervalNanos) {
                // A quiet connection gives back its parser's buffers (several KiB each) until it speaks again.
                c.compacted = true;
                c.stage.tell(ConnectionStage.COMPACT, org.apache.pekko.actor.ActorRef.noSender());
            }
            if (!c.established) {
                if (now - c.acceptedAt > negotiationNanos) {
                    c.closed = true;
                    c.session.tell(SessionActor.TimedOut.NEGOTIATION);
                }
                continue;
            }
            long ackDue = c.ackDueAt;
            if (ackDue != 0 && now - ackDue > 0) {
                c.ackDueAt = 0;
                c.session.tell(SessionActor.AckDue.INSTANCE);
            }
            if (idleNanos > 0 && now - c.lastInput > idleNanos) {
                c.closed = true;
                c.session.tell(SessionActor.TimedOut.IDLE);
            } else if (pingAfterNanos > 0 && ping(c, now)) {
                // Taken for dead: no keepalive for it.
            } else if (keepaliveNanos > 0 && now - c.lastOutput > keepaliveNanos) {
                c.stage.tell(ConnectionStage.KEEPALIVE, org.apache.pekko.actor.ActorRef.noSender());
            }
        }
    }
}
