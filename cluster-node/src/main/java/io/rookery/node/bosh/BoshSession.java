package io.rookery.node.bosh;

import io.rookery.protocol.bosh.Bosh;
import io.rookery.protocol.bosh.Bosh.Condition;
import io.rookery.protocol.websocket.WebSocketFraming;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.util.ByteString;

/**
 * One BOSH session (XEP-0124): the HTTP requests that carry one XMPP stream, in and out of the same
 * {@link io.rookery.node.c2s.ConnectionStage} and session actor as a TCP connection. Requests are processed in rid
 * order (early ones wait for the gap to close), their payloads fed to the stage as stream bytes; the stage's output,
 * split into elements, goes out in the oldest held request's response. A request is held until there is something
 * to send or its {@code wait} runs out; no more than {@code hold} at once (a newer one releases the oldest). The last
 * {@code requests} responses are kept, so that a request sent again (its response lost with its connection) gets the
 * same answer (§14.3).
 *
 * <p>Every change happens under the session's lock, taken by HTTP requests, the stage's output and the endpoint's
 * once-a-second sweep; responses are completed after it is released. Nothing here runs a timer: the sweep finds
 * held requests past their wait and sessions past their inactivity.
 */
final class BoshSession {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BoshSession.class);
    /** What an HTTP request gets: a status (200 but for a legacy client's errors, §17.1) and the body. */
    record Answer(int status, String body) {
        static Answer ok(String body) {
            return new Answer(200, body);
        }
    }

    private record Completion(CompletableFuture<Answer> reply, Answer answer) {}

    private static final class Held {
        final long rid;
        CompletableFuture<Answer> reply;
        final long deadline;

        Held(long rid, CompletableFuture<Answer> reply, long deadline) {
            this.rid = rid;
            this.reply = reply;
            this.deadline = deadline;
        }
    }

    private record Early(Bosh.Request request, CompletableFuture<Answer> reply) {}

    private static final String EMPTY = Bosh.response(List.of(), List.of());
    /** §17.3: a recoverable binding condition, for a held request whose rid came again. */
    private static final String RECOVERABLE = Bosh.response(List.of("type", "error"), List.of());
    private static final String STREAM_END = "</stream:stream>";

    private final BoshEndpoint endpoint;
    final String sid;
    private final long waitNanos;
    private final int hold;
    private final int requests;
    private final long inactivityNanos;
    private final boolean legacy;
    private final boolean clientAcks;
    private final long pollingNanos;
    /** The stream header a restart request sends (XEP-0206 §5). */
    private final String restartHeader;
    /** The creation response's attributes, until it is sent. */
    private List<String> creation;
    private org.apache.pekko.stream.BoundedSourceQueue<ByteString> input;
    private SinkQueueWithCancel<ByteString> output;
    private final WebSocketFraming.Outbound outbound = new WebSocketFraming.Outbound();
    private final ArrayDeque<Held> held = new ArrayDeque<>(2);
    private TreeMap<Long, Early> early;
    private ArrayList<String> outbox;
    private int outboxChars;
    private boolean pulling;
    /** The rid the next request in order carries. */
    private long nextRid;
    /** The last responses, by rid (a ring of {@code requests} slots). */
    private final long[] answeredRids;
    private final String[] answeredBodies;
    /** When the last held request was answered: the inactivity clock (while nothing is held). */
    private long idleSince;
    /** The inactivity allowed now: the session's, or a pause's until the next request. */
    private long inactivityNow;
    private long lastEmptyAt;
    private boolean lastAnswerEmpty;
    /** Ended: what a later request gets (the terminal condition and the last payloads), until the sweep drops it. */
    private Answer ended;
    private long endedAt;
    /**
     * The client's terminate request (§13), held until the session has closed its stream: what the session wrote
     * before its closing tag goes out in the answer, as a TCP client reads up to the server's closing tag.
     */
    private boolean terminating;

    BoshSession(BoshEndpoint endpoint, String sid, Bosh.Request creation, String restartHeader, long waitSeconds,
            int hold, long inactivitySeconds, long pollingSeconds, long maxPauseSeconds, String domain, long now) {
        this.restartHeader = restartHeader;
        this.endpoint = endpoint;
        this.sid = sid;
        this.waitNanos = waitSeconds * 1_000_000_000L;
        this.hold = hold;
        this.requests = hold + 1;
        this.inactivityNanos = inactivitySeconds * 1_000_000_000L;
        this.inactivityNow = inactivityNanos;
        this.legacy = creation.body().attr("ver") == null;
        this.clientAcks = "1".equals(creation.body().attr("ack"));
        this.nextRid = creation.rid();
        this.answeredRids = new long[requests];
        java.util.Arrays.fill(answeredRids, -1);
        this.answeredBodies = new String[requests];
        this.idleSince = now;
        this.lastEmptyAt = now - pollingSeconds * 1_000_000_000L - 1;
        this.pollingNanos = pollingSeconds * 1_000_000_000L;
        this.creation = java.util.Arrays.asList("sid", sid, "wait", Long.toString(waitSeconds), "requests", Integer.toString(requests),
                "hold", Integer.toString(hold), "polling", Long.toString(pollingSeconds),
                "inactivity", Long.toString(inactivitySeconds),
                "maxpause", maxPauseSeconds > 0 ? Long.toString(maxPauseSeconds) : null,
                "ver", version(creation.body().attr("ver")), "from", domain,
                "ack", Long.toString(creation.rid()), "secure", "true",
                "xmpp:version", "1.0", "xmpp:restartlogic", "true");
    }

    /** The stage's ends, once materialized; starts reading its output. */
    void attach(org.apache.pekko.stream.BoundedSourceQueue<ByteString> input, SinkQueueWithCancel<ByteString> output) {
        synchronized (this) {
            this.input = input;
            this.output = output;
        }
        pull();
    }

    /** The highest version both speak (§7.1): ours is 1.11. */
    private static String version(String theirs) {
        if (theirs == null) return null;
        int dot = theirs.indexOf('.');
        try {
            int major = Integer.parseInt(dot < 0 ? theirs : theirs.substring(0, dot));
            int minor = dot < 0 ? 0 : Integer.parseInt(theirs.substring(dot + 1));
            return major > 1 || (major == 1 && minor >= 11) ? "1.11" : major + "." + minor;
        } catch (NumberFormatException e) {
            return "1.11";
        }
    }

    /** The session creation request: its stream header goes to the stage, and it is held like any other. */
    void start(Bosh.Request creation, String header, CompletableFuture<Answer> reply, long now) {
        List<Completion> done = new ArrayList<>(2);
        synchronized (this) {
            nextRid = creation.rid() + 1;
            if (offer(header, reply, done)) hold(creation.rid(), reply, now, done);
        }
        complete(done);
    }

    /** A request naming this session (§7-§14). */
    void request(Bosh.Request r, CompletableFuture<Answer> reply, long now) {
        List<Completion> done = new ArrayList<>(2);
        synchronized (this) {
            receive(r, reply, now, done);
        }
        complete(done);
    }

    private void receive(Bosh.Request r, CompletableFuture<Answer> reply, long now, List<Completion> done) {
        if (ended != null) {
            done.add(new Completion(reply, ended));
            return;
        }
        long rid = r.rid();
        if (rid < 0) {
            terminate(Condition.BAD_REQUEST, reply, now, done);
            return;
        }
        if (rid < nextRid) {
            String cached = answered(rid);
            if (cached != null) {
                // §14.3: a response lost with its connection, asked for again.
                done.add(new Completion(reply, Answer.ok(cached)));
                return;
            }
            for (Held h : held) {
                if (h.rid == rid) {
                    // §14.3: the earlier copy gets a recoverable condition, the new one the response.
                    done.add(new Completion(h.reply, Answer.ok(RECOVERABLE)));
                    h.reply = reply;
                    return;
                }
            }
            terminate(Condition.ITEM_NOT_FOUND, reply, now, done);
            return;
        }
        if (rid >= nextRid + requests) {
            // §14.2: beyond the window (the same answer as a rid too old or unknown).
            terminate(Condition.ITEM_NOT_FOUND, reply, now, done);
            return;
        }
        if (rid > nextRid) {
            if (early == null) early = new TreeMap<>();
            Early before = early.put(rid, new Early(r, reply));
            if (before != null) done.add(new Completion(before.reply(), Answer.ok(RECOVERABLE)));
            return;
        }
        process(r, reply, now, done);
        while (ended == null && early != null && !early.isEmpty() && early.firstKey() == nextRid) {
            Early e = early.pollFirstEntry().getValue();
            process(e.request(), e.reply(), now, done);
        }
        if (early != null && early.isEmpty()) early = null;
    }

    private void process(Bosh.Request r, CompletableFuture<Answer> reply, long now, List<Completion> done) {
        nextRid = r.rid() + 1;
        if (terminating) {
            // After its terminate the client has nothing more to say; the terminate's answer brings the end.
            done.add(new Completion(reply, Answer.ok(EMPTY)));
            return;
        }
        inactivityNow = inactivityNanos;
        long ack = r.ack();
        if (clientAcks && ack >= 0) forgetUpTo(ack);
        if (r.terminate()) {
            // §13: the payloads (an unavailable presence, typically) go first, then the stream's closing tag. The
            // other held requests get empty bodies; this one waits for the session's closing tag (see terminating).
            if ((r.empty() || offer(r.payload(), reply, done)) && offer(STREAM_END, reply, done)) {
                while (!held.isEmpty()) done.add(new Completion(held.poll().reply, Answer.ok(EMPTY)));
                terminating = true;
                held.add(new Held(r.rid(), reply, now + waitNanos));
            }
            return;
        }
        long pause = r.seconds("pause");
        if (pause >= 0) {
            // §12: every held request answered now (the oldest with what is waiting), the pause's without payloads,
            // and the inactivity allowed until the next request stretched to the pause.
            if (pause > endpoint.maxPauseSeconds()) {
                terminate(Condition.POLICY_VIOLATION, reply, now, done);
                return;
            }
            while (!held.isEmpty()) answer(held.poll(), takeOutbox(), now, done);
            done.add(new Completion(reply, Answer.ok(EMPTY)));
            inactivityNow = pause * 1_000_000_000L;
            idleSince = now;
            return;
        }
        if (r.restart()) {
            // XEP-0206 §5: a new stream (any payload is ignored, as the XEP allows).
            if (!offer(restartHeader, reply, done)) return;
        } else if (!r.empty()) {
            if (!offer(r.payload(), reply, done)) return;
        } else if (hold == 0 && pollingNanos > 0 && lastAnswerEmpty && now - lastEmptyAt < pollingNanos) {
            // §11: a polling session's empty requests closer than 'polling', the first answered without payloads.
            terminate(Condition.POLICY_VIOLATION, reply, now, done);
            return;
        }
        if (r.empty() || r.restart()) lastEmptyAt = now;
        hold(r.rid(), reply, now, done);
    }

    private void hold(long rid, CompletableFuture<Answer> reply, long now, List<Completion> done) {
        held.add(new Held(rid, reply, now + waitNanos));
        while (held.size() > hold) answer(held.poll(), takeOutbox(), now, done);
        deliver(now, done);
    }

    /** What waits goes out in the oldest held request's response (after a terminate: with the stream's end). */
    private void deliver(long now, List<Completion> done) {
        if (!terminating && outbox != null && !outbox.isEmpty() && !held.isEmpty()) answer(held.poll(), takeOutbox(), now, done);
    }

    private List<String> takeOutbox() {
        if (outbox == null || outbox.isEmpty()) return List.of();
        List<String> out = outbox;
        outbox = null;
        boolean wasFull = outboxChars >= endpoint.maxBufferedChars();
        outboxChars = 0;
        if (wasFull) endpoint.later(this::pull);
        return out;
    }

    private void answer(Held h, List<String> payloads, long now, List<Completion> done) {
        List<String> attributes = attributes(h.rid);
        // The long poll's usual answer is the same text every time: one string for all sessions' replay slots.
        String body = attributes.isEmpty() && payloads.isEmpty() ? EMPTY : Bosh.response(attributes, payloads);
        remember(h.rid, body);
        lastAnswerEmpty = payloads.isEmpty();
        if (held.isEmpty()) idleSince = now;
        done.add(new Completion(h.reply, Answer.ok(body)));
    }

    /** The creation response's attributes (§7.1, XEP-0206 §5) on the first response; later, ack when it says more. */
    private List<String> attributes(long rid) {
        if (creation != null) {
            List<String> first = creation;
            creation = null;
            return first;
        }
        long received = nextRid - 1;
        return received != rid ? List.of("ack", Long.toString(received)) : List.of();
    }

    private void remember(long rid, String body) {
        int slot = (int) (rid % requests);
        answeredRids[slot] = rid;
        answeredBodies[slot] = body;
    }

    private String answered(long rid) {
        int slot = (int) (rid % requests);
        return answeredRids[slot] == rid ? answeredBodies[slot] : null;
    }

    /** §9.2: the client has every response up to ack; they need not be kept. */
    private void forgetUpTo(long ack) {
        for (int i = 0; i < requests; i++) {
            if (answeredRids[i] >= 0 && answeredRids[i] <= ack) {
                answeredRids[i] = -1;
                answeredBodies[i] = null;
            }
        }
    }

    /**
     * Stream bytes to the stage; a full queue (a client far ahead of its session) ends the session with
     * policy-violation, which the request (when given) gets.
     */
    private boolean offer(String xml, CompletableFuture<Answer> reply, List<Completion> done) {
        QueueOfferResult result = input.offer(ByteString.fromString(xml));
        if (QueueOfferResult.enqueued().equals(result)) return true;
        end(Condition.POLICY_VIOLATION, System.nanoTime(), done);
        if (reply != null) done.add(new Completion(reply, ended));
        return false;
    }

    /** A binding error: the session ends, this request gets the condition, held ones empty bodies. */
    private void terminate(Condition condition, CompletableFuture<Answer> reply, long now, List<Completion> done) {
        end(condition, now, done);
        done.add(new Completion(reply, ended));
    }

    /**
     * Ends the session: its stream input ends (the stage and session actor end as for a closed connection), held
     * requests are answered, and later requests get the terminal answer.
     */
    private void end(Condition condition, long now, List<Completion> done) {
        if (ended != null) return;
        ended = answerFor(condition, terminateBody(condition, false));
        endedAt = now;
        while (!held.isEmpty()) done.add(new Completion(held.poll().reply, Answer.ok(EMPTY)));
        if (early != null) {
            for (Early e : early.values()) done.add(new Completion(e.reply(), ended));
            early = null;
        }
        outbox = null;
        if (input != null) {
            try {
                input.complete();
            } catch (RuntimeException alreadyClosed) {
                // The stage ended first (it closed the stream): its queue is closed already.
            }
        }
    }

    private Answer answerFor(Condition condition, String body) {
        if (legacy && condition != null) {
            // §17.1: a client without 'ver' understands only the deprecated HTTP errors.
            switch (condition) {
                case BAD_REQUEST: return new Answer(400, "");
                case POLICY_VIOLATION: return new Answer(403, "");
                case ITEM_NOT_FOUND: return new Answer(404, "");
                default: break;
            }
        }
        return Answer.ok(body);
    }

    /** type='terminate', with what is waiting when the server ended the stream (a stream error: §17.2, XEP-0206). */
    private String terminateBody(Condition condition, boolean withOutbox) {
        List<String> payloads = withOutbox ? takeOutbox() : List.of();
        Condition c = condition;
        if (c == null) {
            for (String p : payloads) if (p.startsWith("<stream:error")) c = Condition.REMOTE_STREAM_ERROR;
        }
        List<String> attrs = new ArrayList<>(List.of("type", "terminate"));
        if (c != null) attrs.addAll(List.of("condition", c.value()));
        if (creation != null) {
            attrs.addAll(creation);
            creation = null;
        }
        return Bosh.response(attrs, payloads);
    }

    /** The once-a-second sweep: held requests past their wait, the session past its inactivity. */
    boolean tick(long now) {
        List<Completion> done = new ArrayList<>(0);
        boolean gone;
        synchronized (this) {
            if (ended != null) {
                gone = now - endedAt > inactivityNanos;
            } else {
                if (terminating && !held.isEmpty() && held.peek().deadline <= now) {
                    // The session did not close its stream within wait: the client gets its end all the same.
                    streamEnded(now, done);
                }
                while (!held.isEmpty() && held.peek().deadline <= now) answer(held.poll(), takeOutbox(), now, done);
                if (ended == null && held.isEmpty() && now - idleSince > inactivityNow) {
                    // §10: the client is gone; its stream ends as a lost TCP connection's would.
                    end(null, now, done);
                }
                gone = false;
            }
        }
        complete(done);
        return gone;
    }

    /** The node shuts down (§17.2 system-shutdown). */
    void shutdown() {
        List<Completion> done = new ArrayList<>(2);
        synchronized (this) {
            if (ended == null) {
                Held oldest = held.poll();
                end(Condition.SYSTEM_SHUTDOWN, System.nanoTime(), done);
                if (oldest != null) done.add(new Completion(oldest.reply, ended));
            }
        }
        complete(done);
    }

    private void pull() {
        SinkQueueWithCancel<ByteString> out;
        synchronized (this) {
            if (pulling || output == null || ended != null && outbox == null) return;
            pulling = true;
            out = output;
        }
        out.pull().whenComplete((bytes, failure) -> {
            try {
                pulled(bytes, failure);
            } catch (RuntimeException e) {
                LOG.error("bosh-output-failed sid={}", sid, e);
            }
        });
    }

    private void pulled(Optional<ByteString> bytes, Throwable failure) {
        List<Completion> done = new ArrayList<>(1);
        boolean more;
        synchronized (this) {
            pulling = false;
            long now = System.nanoTime();
            if (failure != null || bytes.isEmpty()) {
                streamEnded(now, done);
                more = false;
            } else {
                boolean closed = false;
                for (String m : outbound.messages(bytes.get().utf8String())) {
                    if (m.startsWith("<open ")) continue;
                    if (m.startsWith("<close ")) {
                        closed = true;
                        continue;
                    }
                    if (ended != null) continue;
                    if (outbox == null) outbox = new ArrayList<>(2);
                    outbox.add(m);
                    outboxChars += m.length();
                }
                if (closed) {
                    streamEnded(now, done);
                    more = false;
                } else {
                    deliver(now, done);
                    more = ended == null && outboxChars < endpoint.maxBufferedChars();
                }
            }
        }
        complete(done);
        if (more) pull();
    }

    /**
     * The server ended the stream (its closing tag, or the stage stopped): the oldest held request, or else the
     * next one, gets type='terminate' with what was waiting (a stream error makes it remote-stream-error).
     */
    private void streamEnded(long now, List<Completion> done) {
        if (ended != null) return;
        Held oldest = held.poll();
        String body = terminateBody(null, true);
        if (oldest != null) {
            done.add(new Completion(oldest.reply, Answer.ok(body)));
            end(null, now, done);
        } else {
            end(null, now, done);
            ended = Answer.ok(body);
        }
    }

    private static void complete(List<Completion> done) {
        for (Completion c : done) c.reply().complete(c.answer());
    }
}
