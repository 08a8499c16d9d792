package io.rookery.node.ext.sm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rookery.node.ext.Modules;
import io.rookery.node.ext.StreamExtension;
import io.rookery.node.ext.StreamExtension.Outcome;
import io.rookery.protocol.stanza.Namespaces;
import io.rookery.protocol.stanza.StanzaErrorCondition;
import io.rookery.protocol.xep.sm.StreamManagement;
import io.rookery.protocol.xml.Element;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XEP-0198 as the module declares it to the core: the answers a stream gets, and the counts behind them. */
class StreamManagementModuleTest {
    private static StreamExtension extension(String settings) {
        Modules modules = Modules.fromConfig(ConfigFactory.parseString(settings)
                .withFallback(ConfigFactory.defaultReference()), Clock.systemUTC(), Instant.now());
        return modules.streamExtension(StreamManagement.NS);
    }

    private static Element sm(String name, String... attrs) {
        Element.Builder b = Element.builder(name, StreamManagement.NS);
        for (int i = 0; i < attrs.length; i += 2) b.attr(attrs[i], attrs[i + 1]);
        return b.build();
    }

    private static Element message(String id) {
        return Element.builder("message", Namespaces.CLIENT).attr("id", id).attr("to", "alice@localhost/desk").build();
    }

    private static StreamExtension.State enabled(StreamExtension x) {
        Outcome o = x.start(sm("enable"), "desk");
        assertEquals(StreamManagement.enabled(null, false, 0), o.xml());
        assertNotNull(o.state());
        return o.state();
    }

    @Test
    void enablingBeforeBindingFailsAndNothingIsKept() {
        StreamExtension x = extension("");
        Outcome early = x.start(sm("enable"), null);
        assertEquals(StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST), early.xml());
        assertNull(early.state());
        assertEquals(StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST), x.start(sm("r"), "desk").xml());
        assertNotNull(x.start(sm("bogus"), "desk").streamError());
    }

    @Test
    void aRequestIsAnsweredWithTheStanzasHandledSinceEnabling() {
        StreamExtension.State s = enabled(extension(""));
        assertEquals(StreamManagement.ack(0), s.onElement(sm("r")).xml());
        s.handled();
        s.handled();
        s.handled();
        assertEquals(StreamManagement.ack(3), s.onElement(sm("r")).xml());
    }

    @Test
    void theServerAsksOnceAndAgainWhileSomethingIsLeftUnacknowledged() {
        StreamExtension.State s = enabled(extension(""));
        assertEquals(StreamManagement.REQUEST, s.sent(message("m1")), "the first stanza is followed by a request");
        assertNull(s.sent(message("m2")), "one request at a time");
        assertNull(s.sent(message("m3")));

        Outcome partial = s.onElement(sm("a", "h", "1"));
        assertEquals(StreamManagement.REQUEST, partial.xml(), "m2 and m3 are still open: asked for again");
        assertEquals(List.of("m2", "m3"), s.unacknowledged().stream().map(e -> e.attr("id")).toList());

        Outcome all = s.onElement(sm("a", "h", "3"));
        assertEquals("", all.xml());
        assertEquals(List.of(), s.unacknowledged());
        assertEquals(StreamManagement.REQUEST, s.sent(message("m4")), "nothing outstanding: asked at once");
    }

    @Test
    void withACountTheServerAsksOnceThatManyWaitAndTheSweepAsksForFewer() {
        StreamExtension.State s = enabled(extension(
                "rookery.modules.sm { request-ack-after-stanzas = 3, request-ack-after = 7s }"));
        assertEquals(java.time.Duration.ofSeconds(7), s.requestAfter());
        assertFalse(s.awaitingRequest(), "nothing written yet");
        assertNull(s.request());
        assertNull(s.sent(message("m1")));
        assertNull(s.sent(message("m2")));
        assertTrue(s.awaitingRequest(), "two wait, unasked: the sweep will ask after 7 s");
        assertEquals(StreamManagement.REQUEST, s.sent(message("m3")), "the third asks at once");
        assertFalse(s.awaitingRequest());

        // Acknowledged up to m2: one left, fewer than three, so not asked for again until the sweep does.
        assertEquals("", s.onElement(sm("a", "h", "2")).xml());
        assertTrue(s.awaitingRequest());
        assertEquals(StreamManagement.REQUEST, s.request(), "the sweep's request");
        assertNull(s.request(), "one request at a time");
        assertThrows(com.typesafe.config.ConfigException.class,
                () -> extension("rookery.modules.sm { max-unacknowledged = 5, request-ack-after-stanzas = 6 }"));
    }

    @Test
    void anAckForMoreThanWasSentEndsTheStreamWithHandledCountTooHigh() {
        StreamExtension.State s = enabled(extension(""));
        s.sent(message("m1"));
        s.sent(message("m2"));
        Outcome o = s.onElement(sm("a", "h", "5"));
        assertEquals(StreamManagement.handledCountTooHigh(5, 2), o.streamError());
    }

    @Test
    void anAckWithoutAUsableCountIsABadFormat() {
        StreamExtension.State s = enabled(extension(""));
        String error = s.onElement(sm("a", "h", "many")).streamError();
        assertNotNull(error);
        assertTrue(error.contains("bad-format"), error);
    }

    @Test
    void aSecondEnableFails() {
        StreamExtension.State s = enabled(extension(""));
        assertEquals(StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST), s.onElement(sm("enable")).xml());
    }

    @Test
    void moreUnacknowledgedStanzasThanTheLimitOverflow() {
        StreamExtension.State s = enabled(extension("rookery.modules.sm.max-unacknowledged = 2"));
        s.sent(message("m1"));
        s.sent(message("m2"));
        assertFalse(s.overflowing());
        s.sent(message("m3"));
        assertTrue(s.overflowing());
    }

    @Test
    void aClientThatAsksForResumptionGetsAnIdAndTheMaximumTime() {
        StreamExtension x = extension("");
        Outcome o = x.start(sm("enable", "resume", "true"), "desk");
        String id = o.state().resumptionId();
        assertNotNull(id);
        assertTrue(id.length() >= 22, "128 random bits: " + id);
        assertEquals(StreamManagement.enabled(id, true, 300), o.xml());
        assertNotEquals(id, x.start(sm("enable", "resume", "1"), "desk").state().resumptionId());
        assertNull(x.start(sm("enable"), "desk").state().resumptionId(), "not asked for: not resumable");
        assertNull(extension("rookery.modules.sm.resumption = off").start(sm("enable", "resume", "true"), "desk")
                .state().resumptionId());
        // Where to come back to (this node, behind a load balancer that would pick any).
        Outcome located = extension("rookery.modules.sm.location = \"node-2.xmpp.example:5222\"")
                .start(sm("enable", "resume", "true"), "desk");
        assertEquals(StreamManagement.enabled(located.state().resumptionId(), true, 300, "node-2.xmpp.example:5222"),
                located.xml());
        assertTrue(located.xml().contains("location='node-2.xmpp.example:5222'"), located.xml());
        assertThrows(com.typesafe.config.ConfigException.class,
                () -> extension("rookery.modules.sm.location = \"a' onload='x\""));
    }

    @Test
    void aResumeNamesTheSessionAndTheClientsCount() {
        StreamExtension x = extension("");
        Outcome o = x.start(sm("resume", "previd", "abc", "h", "7"), null);
        assertEquals("abc", o.resumeId());
        assertEquals(7, o.resumeHandled());
        assertEquals(StreamManagement.failed(StanzaErrorCondition.ITEM_NOT_FOUND), x.start(sm("resume", "h", "7"), null).xml());
        assertNotNull(x.start(sm("resume", "previd", "abc", "h", "x"), null).streamError());
        assertEquals(StreamManagement.failed(StanzaErrorCondition.UNEXPECTED_REQUEST),
                x.start(sm("resume", "previd", "abc", "h", "7"), "desk").xml(), "not on a bound stream");
        assertEquals(StreamManagement.failed(StanzaErrorCondition.FEATURE_NOT_IMPLEMENTED),
                extension("rookery.modules.sm.resumption = off").start(sm("resume", "previd", "abc", "h", "7"), null)
                        .xml());
    }

    @Test
    void resumingAcknowledgesTheClientsCountAndSendsTheRestAgain() {
        StreamExtension.State s = extension("").start(sm("enable", "resume", "true"), "desk").state();
        s.handled();
        s.handled();
        for (String id : new String[] {"m1", "m2", "m3"}) s.sent(message(id));
        s.onElement(sm("a", "h", "1"));

        StreamExtension.Resumption tooMany = s.resume(9);
        assertNull(tooMany.replay());
        assertEquals(StreamManagement.handledCountTooHigh(9, 3), tooMany.outcome().streamError());

        StreamExtension.Resumption r = s.resume(2);
        assertEquals(StreamManagement.resumed(s.resumptionId(), 2), r.outcome().xml());
        assertEquals(List.of("m3"), r.replay().stream().map(e -> e.attr("id")).toList());
        assertEquals(List.of(), s.unacknowledged(), "the new stream sends it again and counts it afresh");
        assertEquals(StreamManagement.REQUEST, s.sent(message("m3")));
        s.onElement(sm("a", "h", "3"));
        assertEquals(List.of(), s.unacknowledged());
    }

    @Test
    void theIdNamesTheResourceItWasGivenToSoThatAnyNodeFindsTheSession() {
        StreamExtension x = extension("");
        String resource = "phone \u00e9/\ud83d\ude00 with spaces";
        String id = x.start(sm("enable", "resume", "true"), resource).state().resumptionId();
        assertEquals(resource, StreamManagementModule.resourceOf(id));
        Outcome resume = x.start(sm("resume", "previd", id, "h", "0"), null);
        assertEquals(id, resume.resumeId());
        assertEquals(resource, resume.resumeResource());
        assertNull(StreamManagementModule.resourceOf("no-dot"), "an id of no resource finds nothing elsewhere");
        assertNull(StreamManagementModule.resourceOf("abc.!!not-base64!!"));
        assertNull(StreamManagementModule.resourceOf("abc."));
    }

    @Test
    void aResumedStateMovesToAnotherNodeAsAnElementAndCountsOnFromTheSameNumbers() {
        StreamExtension x = extension("");
        StreamExtension.State s = x.start(sm("enable", "resume", "true"), "desk").state();
        for (int i = 0; i < 5; i++) s.handled();
        for (String id : new String[] {"m1", "m2", "m3"}) s.sent(message(id));
        StreamExtension.Resumption r = s.resume(2);
        assertEquals(List.of("m3"), r.replay().stream().map(e -> e.attr("id")).toList());

        StreamExtension.State moved = x.restore(s.portable());
        assertEquals(s.resumptionId(), moved.resumptionId());
        // The new stream sends m3 again (count 3), the client acknowledges it, and a too-high count still fails.
        moved.sent(message("m3"));
        assertEquals("", moved.onElement(sm("a", "h", "3")).xml());
        assertEquals(List.of(), moved.unacknowledged());
        assertEquals(StreamManagement.ack(5), moved.onElement(sm("r")).xml(), "stanzas handled from the client");
        assertNotNull(moved.onElement(sm("a", "h", "4")).streamError(), "more than was sent");

        // What is still unacknowledged moves too.
        StreamExtension.State t = x.start(sm("enable", "resume", "true"), "desk").state();
        t.sent(message("u1"));
        assertEquals(List.of("u1"), x.restore(t.portable()).unacknowledged().stream().map(e -> e.attr("id")).toList());
        assertThrows(IllegalArgumentException.class, () -> x.restore(message("not-a-state")));
    }

    @Test
    void aKeptStreamNumbersWhatItSendsWithoutWrappingAndRemembersItsLastAck() {
        StreamExtension x = extension("");
        StreamExtension.State s = x.start(sm("enable", "resume", "true"), "desk").state();
        assertTrue(s.keptAfterNodeLoss(), "resumable streams are kept by default");
        assertFalse(x.start(sm("enable"), "desk").state().keptAfterNodeLoss(), "not resumable: nothing to keep");
        assertFalse(extension("rookery.modules.sm.resumption-after-node-loss = off")
                .start(sm("enable", "resume", "true"), "desk").state().keptAfterNodeLoss());
        assertEquals(-1, s.lastAckSent());
        s.handled();
        s.handled();
        assertEquals(2, s.handledCount());
        assertEquals(StreamManagement.ack(2), s.onElement(sm("r")).xml());
        assertEquals(2, s.lastAckSent(), "the count the client was told");
        for (String id : new String[] {"m1", "m2", "m3"}) s.sent(message(id));
        assertEquals(3, s.sentTotal(), "m3 is the third stanza sent");
        s.onElement(sm("a", "h", "2"));
        assertEquals(2, s.acknowledgedTotal());
        // The total moves with the state to another node.
        StreamExtension.State moved = x.restore(s.portable());
        assertEquals(2, moved.acknowledgedTotal());
        assertEquals(3, moved.sentTotal());

        // Past 2^32 the wire count wraps, the total does not.
        StreamExtension.Outcome recovered = x.recover(s.resumptionId(), 7, StreamManagement.MAX_COUNT + 3);
        StreamExtension.State r = recovered.state();
        assertEquals(StreamManagement.resumed(s.resumptionId(), 7), recovered.xml());
        assertEquals(7, r.lastAckSent(), "<resumed h/> reports the count as an ack does");
        assertEquals(StreamManagement.MAX_COUNT + 3, r.sentTotal());
        assertEquals(StreamManagement.REQUEST, r.sent(message("again")));
        assertEquals(StreamManagement.MAX_COUNT + 4, r.sentTotal());
        assertEquals("", r.onElement(sm("a", "h", "3")).xml(), "on the wire the count of 2^32 + 3 is 3");
        assertEquals(StreamManagement.MAX_COUNT + 4, r.acknowledgedTotal());
        assertNull(extension("rookery.modules.sm.resumption-after-node-loss = off").recover("x.ZGVzaw", 0, 0));
    }

    @Test
    void aMessageCountsAsHandledOnlyOnceConfirmedAndInTheOrderTaken() {
        StreamExtension.State s = enabled(extension(""));
        s.handled(); // an iq, handled at once
        long m1 = s.handledLater(message("m1"));
        s.handled(); // a presence behind it: counted after m1, not before
        long m2 = s.handledLater(message("m2"));
        assertTrue(s.awaitingConfirmation());
        // A request while messages wait is answered once what came before it is handled.
        assertEquals("", s.onElement(sm("r")).xml());
        assertEquals("", s.confirmed(m2), "m1 still waits, so nothing after it counts");
        assertEquals(StreamManagement.ack(4), s.confirmed(m1), "all four handled: the request is answered");
        assertFalse(s.awaitingConfirmation());
        assertEquals("", s.confirmed(m1), "a token confirmed twice changes nothing");
        assertEquals(StreamManagement.ack(4), s.onElement(sm("r")).xml());
    }

    @Test
    void eachWaitingRequestIsAnsweredAsSoonAsWhatCameBeforeItIsHandled() {
        StreamExtension.State s = enabled(extension(""));
        long m1 = s.handledLater(message("m1"));
        assertEquals("", s.onElement(sm("r")).xml());
        long m2 = s.handledLater(message("m2"));
        assertEquals("", s.onElement(sm("r")).xml());
        // The first request needs m1 only; the second waits for m2.
        assertEquals(StreamManagement.ack(1), s.confirmed(m1));
        assertEquals(StreamManagement.ack(2), s.confirmed(m2));
        assertEquals("", s.confirmed(m2));
    }

    @Test
    void aMessageNeverConfirmedIsRoutedAgainAFewTimesThenCounted() {
        StreamExtension.State s = enabled(extension(""));
        long m1 = s.handledLater(message("m1"));
        assertEquals("", s.onElement(sm("r")).xml());
        long now = System.nanoTime();
        assertEquals(List.of(), s.overdue(now - 1_000_000_000_000L, now).again(), "not overdue yet");
        for (int attempt = 1; attempt <= 3; attempt++) {
            now += 20_000_000_000L;
            StreamExtension.Overdue o = s.overdue(now, now);
            assertEquals(List.of(new StreamExtension.Pending(m1, message("m1"), attempt)), o.again(),
                    "attempt " + attempt);
            assertEquals("", o.write());
        }
        now += 20_000_000_000L;
        StreamExtension.Overdue given = s.overdue(now, now);
        assertEquals(List.of(), given.again());
        assertEquals(StreamManagement.ack(1), given.write(), "given up on: counted, and the request answered");
        assertFalse(s.awaitingConfirmation());
    }

    @Test
    void stanzasTakenBehindAnUnconfirmedMessageAreBoundedLikeTheUnacknowledgedOnes() {
        StreamExtension.State s = enabled(extension("rookery.modules.sm.max-unacknowledged = 5\n"
                + "rookery.modules.sm.request-ack-after-stanzas = 1"));
        s.handledLater(message("stuck"));
        for (int i = 0; i < 4; i++) s.handled();
        assertFalse(s.overflowing(), "five taken: the limit");
        s.handled();
        assertTrue(s.overflowing(), "six: the stream ends with policy-violation");
    }

    @Test
    void withAckWhenStoredOffAMessageCountsAtOnce() {
        StreamExtension.State s = enabled(extension("rookery.modules.sm.ack-when-stored = off"));
        assertEquals(-1, s.handledLater(message("m1")));
        assertFalse(s.awaitingConfirmation());
        assertEquals(StreamManagement.ack(1), s.onElement(sm("r")).xml());
    }

    @Test
    void aResumptionCountsWhatWaitsForItsConfirmationAsHandled() {
        StreamExtension.State s = extension("").start(sm("enable", "resume", "true"), "desk").state();
        s.handled();
        s.handledLater(message("m1"));
        StreamExtension.Resumption r = s.resume(0);
        assertEquals(StreamManagement.resumed(s.resumptionId(), 2), r.outcome().xml(),
                "routed already: the client must not send it again");
        assertFalse(s.awaitingConfirmation());
    }

    @Test
    void switchedOffTheModuleTakesNoStreamElements() {
        assertNull(extension("rookery.modules.sm.enabled = off"));
    }
}
