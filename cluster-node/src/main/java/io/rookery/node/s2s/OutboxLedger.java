package io.rookery.node.s2s;

import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A link's side of the outbox protocol ({@link S2sOutbox}): per outbox, the next number it takes, the last one
 * handled (written or answered with an error) and the last one confirmed. Stanzas are taken strictly in order; a
 * link that has not heard from an outbox starts at the outbox's oldest unconfirmed stanza.
 */
final class OutboxLedger {
    /** Confirm at once after this many handled stanzas; the rest at {@link #confirmAll}. */
    private static final int BATCH = 64;

    private static final class FromOutbox {
        long next;
        long handled;
        long acked;

        FromOutbox(long first) {
            next = first;
            handled = first - 1;
            acked = first - 1;
        }
    }

    private final String link;
    private final Map<ActorRef<S2sOutbox.Command>, FromOutbox> outboxes = new HashMap<>();

    /** {@code link}: the entity id the outboxes know the link by. */
    OutboxLedger(String link) {
        this.link = link;
    }

    /**
     * Whether to take this stanza: it is the outbox's next one. A number already taken is a duplicate (a resend; it
     * will be confirmed again), a number past the next one waits for the resend that fills the gap.
     */
    boolean take(ActorRef<S2sOutbox.Command> outbox, long seq, long firstUnacked) {
        FromOutbox from = outboxes.computeIfAbsent(outbox, k -> new FromOutbox(firstUnacked));
        if (seq == from.next) {
            from.next++;
            return true;
        }
        if (seq < from.next) from.acked = Math.min(from.acked, from.handled - 1);
        return false;
    }

    /** The stanza left the link (written, or answered with an error): its outbox may forget it. */
    void handled(ActorRef<S2sOutbox.Command> outbox, long seq) {
        FromOutbox from = outboxes.get(outbox);
        if (from == null) return;
        from.handled = Math.max(from.handled, seq);
        if (from.handled - from.acked >= BATCH) confirm(outbox, from);
    }

    /** Confirms to every outbox what was handled since its last confirmation (the link's periodic tick). */
    void confirmAll() {
        for (Map.Entry<ActorRef<S2sOutbox.Command>, FromOutbox> e : outboxes.entrySet()) {
            if (e.getValue().handled != e.getValue().acked) confirm(e.getKey(), e.getValue());
        }
    }

    private void confirm(ActorRef<S2sOutbox.Command> outbox, FromOutbox from) {
        from.acked = from.handled;
        outbox.tell(new S2sOutbox.Ack(link, from.handled));
    }
}
