package io.rookery.node.s2s;

import io.rookery.protocol.s2s.Dialback;
import io.rookery.protocol.xml.Element;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The XEP-0220 §2.2 checks a link carries for this node's inbound streams: keys waiting for the link's stream, keys
 * asked about (by stream id), and the answers back to the streams that asked.
 */
final class DialbackChecks {
    private final List<RemoteDomainEntity.Verify> toSend = new ArrayList<>();
    private final Map<String, List<ActorRef<RemoteDomainEntity.Verified>>> asked = new HashMap<>();

    void add(RemoteDomainEntity.Verify v) {
        toSend.add(v);
    }

    boolean waitingForLink() {
        return !toSend.isEmpty();
    }

    boolean isEmpty() {
        return toSend.isEmpty() && asked.isEmpty();
    }

    /** The {@code db:verify} requests for what waits, from {@code local} to {@code remote}; empty when none. */
    String requests(String local, String remote) {
        StringBuilder out = new StringBuilder();
        for (RemoteDomainEntity.Verify v : toSend) {
            asked.computeIfAbsent(v.streamId(), k -> new ArrayList<>()).add(v.replyTo());
            out.append(Dialback.verify(local, remote, v.streamId(), v.key()));
        }
        toSend.clear();
        return out.toString();
    }

    /** The authoritative server's {@code db:verify} answer, to the streams that asked about its id. */
    void answered(Element verify) {
        String id = verify.attr("id");
        List<ActorRef<RemoteDomainEntity.Verified>> waiting = id == null ? null : asked.remove(id);
        if (waiting == null) return;
        Boolean valid = "valid".equals(verify.attr("type")) ? Boolean.TRUE
                : "invalid".equals(verify.attr("type")) ? Boolean.FALSE : null;
        for (ActorRef<RemoteDomainEntity.Verified> w : waiting) w.tell(new RemoteDomainEntity.Verified(id, valid));
    }

    /** The link went down: what was asked gets no answer (null); with {@code all}, what waited for it neither. */
    void unanswerable(boolean all) {
        for (Map.Entry<String, List<ActorRef<RemoteDomainEntity.Verified>>> w : asked.entrySet()) {
            for (ActorRef<RemoteDomainEntity.Verified> r : w.getValue()) {
                r.tell(new RemoteDomainEntity.Verified(w.getKey(), null));
            }
        }
        asked.clear();
        if (!all) return;
        for (RemoteDomainEntity.Verify v : toSend) v.replyTo().tell(new RemoteDomainEntity.Verified(v.streamId(), null));
        toSend.clear();
    }
}
