package io.rookery.node.c2s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.rookery.protocol.jid.Jid;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * RFC 6120 §6 as conversations: SASL success and its failures, what may not come before it, and the password-guessing
 * throttle (delays measured here are lower bounds: a slow machine only makes them longer).
 */
class AuthenticatingScriptTest {
    private static final String FAILURE = "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>";

    /** PLAIN on plain TCP, and a throttle quick enough for a test: one free failure, then 400 ms, then 800 ms. */
    private static final Map<String, Object> THROTTLED = Map.of("rookery.c2s.require-tls", false,
            "rookery.c2s.allow-plain-without-tls", true, "rookery.c2s.auth-throttle.free-failures", 1,
            "rookery.c2s.auth-throttle.base-delay", "400ms", "rookery.c2s.auth-throttle.max-delay", "800ms");
    private static final long DELAY = TimeUnit.MILLISECONDS.toNanos(400);
    /** The scheduler may fire a tick early by its resolution; never more. */
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(20);

    private static Conversation offeredMechanisms() {
        return offered(Scripts.conversation(false, Scripts.PLAIN_TCP));
    }

    private static Conversation offered(Conversation c) {
        return c.opensStream().receivesStreamHeader()
                .receives("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
                        + Scripts.MECHANISMS_ON_PLAIN_TCP + "</stream:features>");
    }

    private static final long ADDRESS_X = 0xFFFF_FFFF_C000_0201L; // 192.0.2.1
    private static final long ADDRESS_Y = 0xFFFF_FFFF_C633_6401L; // 198.51.100.1

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(Authenticating.class)).addAppender(appender);
        return appender;
    }

    /** The value of a counter (named without {@code _total} in snapshots) with these phase and by labels. */
    private static double counter(SessionServices services, String name, String phase, String by) {
        for (MetricSnapshot s : services.metrics().registry().scrape()) {
            if (!s.getMetadata().getName().equals(name) || !(s instanceof CounterSnapshot c)) continue;
            for (var p : c.getDataPoints()) {
                if (phase.equals(p.getLabels().get("phase")) && by.equals(p.getLabels().get("by"))) return p.getValue();
            }
        }
        return 0;
    }

    private static String auth(Jid user, String password) {
        return "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Scripts.plain(user, password)
                + "</auth>";
    }

    @Test
    void anAccountThatDoesNotAnswerInTimeGetsTemporaryAuthFailureCountedAndTheStreamStaysOpen() throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(Scripts.PLAIN_TCP);
        settings.put("rookery.c2s.account-lookup-timeout", "300ms");
        SessionServices services = Conversation.services(Scripts.node(), false, settings);
        Conversation c = new Conversation(Scripts.node(), services);
        // The account's first recovery fails, so its entity stops without answering the credentials lookup.
        Jid user = Jid.of("slow-" + System.nanoTime(), "localhost", null);
        org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit.create(Scripts.node().testKit.system())
                .failNextRead("User|" + user);
        offered(c)
                .sends(auth(user, "pw"))
                .receives(FAILURE + "<temporary-auth-failure/></failure>");
        assertEquals(1.0, services.metrics().registry().scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("xmpp_sasl_lookup_timeouts"))
                .mapToDouble(m -> ((CounterSnapshot) m).getDataPoints().get(0).getValue()).sum());
        // Not a guess: the same stream may try again, and once the account answers, logs in.
        Jid alice = Scripts.node().newAccount("alice");
        c.sends(auth(alice, "pw")).receives("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    }

    @Test
    void theRightPasswordSucceedsAndTheStreamRestartsIntoBinding() {
        Jid alice = Scripts.node().newAccount("alice");
        offeredMechanisms()
                .sends(auth(alice, "pw"))
                .receives("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
                .asksTheStageTo(ConnectionStage.Out.RESTART_STREAM)
                .opensStream()
                .receivesStreamHeader()
                .receives(Scripts.FEATURES_AFTER_AUTH);
    }

    @Test
    void aWrongPasswordIsNotAuthorizedAndTheThirdEndsTheStream() {
        Jid alice = Scripts.node().newAccount("alice");
        offeredMechanisms()
                .sends(auth(alice, "nope"))
                .receives(FAILURE + "<not-authorized/></failure>")
                .sends(auth(alice, "still not"))
                .receives(FAILURE + "<not-authorized/></failure>")
                .sends(auth(alice, "never"))
                .receives(FAILURE + "<not-authorized/></failure>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                        + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>too many failed authentication attempts"
                        + "</text></stream:error>")
                .receivesStreamEnd();
    }

    @Test
    void aFailurePastTheFreeOnesIsAnsweredOnlyAfterItsDelayLoggedAndCounted() {
        Jid alice = Scripts.node().newAccount("alice");
        SessionServices services = Conversation.services(Scripts.node(), false, THROTTLED);
        ListAppender<ILoggingEvent> logs = capture();
        Conversation c = offered(new Conversation(Scripts.node(), services, ADDRESS_X))
                .sends(auth(alice, "nope"))
                .receives(FAILURE + "<not-authorized/></failure>");
        long sent = System.nanoTime();
        c.sends(auth(alice, "still not"))
                .receivesNothingMore(Duration.ofMillis(300))
                .receives(FAILURE + "<not-authorized/></failure>");
        long waited = System.nanoTime() - sent;
        System.out.printf("second failure answered after %d ms (configured 400 ms)%n", waited / 1_000_000);
        assertTrue(waited >= DELAY - TICK, "answered after " + waited / 1_000_000 + " ms");
        assertEquals(1.0, counter(services, "xmpp_sasl_throttled", "answer", "account"));
        assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith(
                "sasl-throttled phase=answer by=account account=" + alice + " address=192.0.2.1 delay-ms=400")),
                logs.list::toString);
    }

    @Test
    void anotherStreamWaitsOutTheAccountsDelayAndTheRightPasswordStillWorks() throws Exception {
        Jid alice = Scripts.node().newAccount("alice");
        SessionServices services = Conversation.services(Scripts.node(), false, THROTTLED);
        Conversation owner = offered(new Conversation(Scripts.node(), services, ADDRESS_Y));
        offered(new Conversation(Scripts.node(), services, ADDRESS_X))
                .sends(auth(alice, "guess 1"))
                .receives(FAILURE + "<not-authorized/></failure>")
                .sends(auth(alice, "guess 2"));
        AuthThrottle throttle = services.authThrottle();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (throttle.score(alice.toString()) < 1.5 && System.nanoTime() < deadline) Thread.sleep(5);
        long wait = throttle.admission(alice.toString(), ADDRESS_Y).nanos();
        assertTrue(wait > 0, "the second failure made the account wait");

        long sent = System.nanoTime();
        owner.sends(auth(alice, "pw")).receives("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        long waited = System.nanoTime() - sent;
        System.out.printf("the right password from another address succeeded after %d ms (wait was %d ms)%n",
                waited / 1_000_000, wait / 1_000_000);
        assertTrue(waited >= wait - TICK, "processed after " + waited / 1_000_000 + " ms");
        assertEquals(1.0, counter(services, "xmpp_sasl_throttled", "attempt", "account"));
    }

    @Test
    void aMechanismNotOfferedIsInvalidAndBadBase64IsIncorrectEncoding() {
        offeredMechanisms()
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/>")
                .receives(FAILURE + "<invalid-mechanism/></failure>")
                .sends("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>!!!</auth>")
                .receives(FAILURE + "<incorrect-encoding/></failure>")
                .sends("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
                .receives(FAILURE + "<malformed-request/></failure>");
    }

    @Test
    void registrationSwitchedOffIsServiceUnavailableAndOtherStanzasEndTheStream() {
        offeredMechanisms()
                .sends("<iq type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>")
                .receives("<iq type='error' id='r1'><query xmlns='jabber:iq:register'/>"
                        + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        + "</error></iq>")
                .sends("<presence/>")
                .receives("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"
                        + "<not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>")
                .receivesStreamEnd();
    }
}
