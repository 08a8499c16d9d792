package io.rookery.node.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rookery.node.RookeryNode;
import io.rookery.node.config.RookerySettings.AuthThrottleSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The password-guessing throttle (rookery.c2s.auth-throttle) over real sockets: a guessing loop against one account
 * with the throttle off and with its defaults (the rates are printed, not asserted), a burst of failures that takes
 * at least the sum of the configured delays, and the right password, which still works afterwards and while the
 * account is being guessed at, after the pending delay.
 */
class PasswordGuessingIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FAILURE = "</failure>";
    private static final String HELD_ANSWERS = "xmpp_sasl_throttled_total{by=\"account\",phase=\"answer\"}";
    private static RookeryNode off;
    private static RookeryNode on;

    @BeforeAll
    static void start() throws Exception {
        // Plain TCP with PLAIN, so that bare sockets can guess.
        Map<String, Object> plain = new HashMap<>(Map.of("rookery.c2s.require-tls", false,
                "rookery.c2s.allow-plain-without-tls", true));
        on = ItEnvironment.startNode(plain);
        plain.put("rookery.c2s.auth-throttle.base-delay", "0s");
        off = ItEnvironment.startNode(plain);
    }

    @AfterAll
    static void stop() {
        if (off != null) off.close();
        if (on != null) on.close();
    }

    private static String auth(String user, String password) {
        return "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)) + "</auth>";
    }

    @Test
    void aGuessingLoopAgainstOneAccountIsSlowedDown() throws Exception {
        double before = guessesPerSecond(off, ItEnvironment.newUser(off, "victim"), Duration.ofSeconds(3));
        double after = guessesPerSecond(on, ItEnvironment.newUser(on, "victim"), Duration.ofSeconds(10));
        System.out.printf("guesses per second against one account, 4 parallel streams from one address:"
                + " throttle off %.1f, defaults %.1f%n", before, after);
        assertTrue(NodeScrape.sample(on, HELD_ANSWERS) > 0, "no failure answer was held");
    }

    @Test
    void aBurstOfFailuresTakesAtLeastTheirDelaysAndTheRightPasswordStillWorks() throws Exception {
        String user = ItEnvironment.newUser(on, "target");
        AuthThrottleSettings t = on.settings().c2s().authThrottle();
        int failures = t.freeFailures() + 4;
        long expected = 0;
        for (int i = t.freeFailures() + 1; i <= failures; i++) {
            expected += Math.min(t.baseDelay().toNanos() << (i - t.freeFailures() - 1), t.maxDelay().toNanos());
        }
        long started = System.nanoTime();
        int done = 0;
        while (done < failures) {
            try (RawClient c = new RawClient("127.0.0.6", on.starttlsPort())) {
                c.send(RawClient.HEADER).await("</stream:features>", WAIT);
                // rookery.c2s.max-auth-failures (3) closes a stream: the loop opens the next one.
                for (int i = 1; i <= 3 && done < failures; i++, done++) {
                    c.send(auth(user, "guess " + done)).awaitCount(FAILURE, i, WAIT);
                }
            }
        }
        long took = System.nanoTime() - started;
        System.out.printf("%d failures took %d ms; their configured delays add up to %d ms%n", failures,
                took / 1_000_000, expected / 1_000_000);
        assertTrue(took >= expected, "took " + took / 1_000_000 + " ms");

        long t0 = System.nanoTime();
        try (RawClient owner = new RawClient("127.0.0.6", on.starttlsPort())) {
            owner.send(RawClient.HEADER).await("</stream:features>", WAIT);
            owner.send(auth(user, ItEnvironment.PASSWORD)).await("<success", WAIT);
        }
        System.out.printf("the right password afterwards, from the guessing address: %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);

        // One more guess: its answer is held for the next delay, and the owner's login elsewhere meanwhile
        // waits for it (the guess counted before the owner's attempt came: the held-answer counter says so).
        long pending = Math.min(t.baseDelay().toNanos() << (failures - t.freeFailures()), t.maxDelay().toNanos());
        double held = NodeScrape.sample(on, HELD_ANSWERS);
        try (RawClient guesser = new RawClient("127.0.0.6", on.starttlsPort());
                RawClient owner = new RawClient("127.0.0.7", on.starttlsPort())) {
            guesser.send(RawClient.HEADER).await("</stream:features>", WAIT);
            owner.send(RawClient.HEADER).await("</stream:features>", WAIT);
            long guessed = System.nanoTime();
            guesser.send(auth(user, "one more"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (NodeScrape.sample(on, HELD_ANSWERS) <= held) {
                assertTrue(System.nanoTime() < deadline, "the guess was never held");
                Thread.sleep(20);
            }
            owner.send(auth(user, ItEnvironment.PASSWORD)).await("<success", WAIT);
            long waited = System.nanoTime() - guessed;
            System.out.printf("the right password from another address during the attack: after %d ms (pending"
                    + " delay %d ms)%n", waited / 1_000_000, pending / 1_000_000);
            assertTrue(waited >= pending, "logged in after " + waited / 1_000_000 + " ms");
            guesser.await(FAILURE, WAIT);
        }
    }

    /** Failures answered per second while four streams from 127.0.0.1 guess for the given time. */
    private static double guessesPerSecond(RookeryNode node, String user, Duration time) throws Exception {
        AtomicInteger answered = new AtomicInteger();
        long end = System.nanoTime() + time.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                int guess = 0;
                while (System.nanoTime() < end) {
                    try (RawClient c = new RawClient("127.0.0.1", node.starttlsPort())) {
                        c.send(RawClient.HEADER).await("</stream:features>", left(end));
                        for (int i = 1; i <= 3; i++) {
                            c.send(auth(user, "guess " + guess++)).awaitCount(FAILURE, i, left(end));
                            if (System.nanoTime() < end) answered.incrementAndGet();
                        }
                    } catch (AssertionError | java.io.IOException timeUp) {
                        // the time ran out while waiting
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) th.join();
        return answered.get() / (time.toNanos() / 1e9);
    }

    private static Duration left(long end) {
        return Duration.ofNanos(Math.max(1, end - System.nanoTime()));
    }
}
