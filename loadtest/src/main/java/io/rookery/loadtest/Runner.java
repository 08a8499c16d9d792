package io.rookery.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs one scenario through its rounds and phases on the calling thread: create the accounts (--create), set up the
 * rosters (presence-churn and roster), then log in (paced), then hold (idle), chat, churn presence or time the
 * roster steps, then close everything. Each phase ends on its own condition or at the run's hard deadline
 * ({@code --timeout}), whichever comes first, so a run always stops by itself.
 */
final class Runner {
    private static final long POLL_MILLIS = 20;

    private final Options options;
    private final PrintStream out;
    private final PrintStream err;
    private final List<String> notes = new ArrayList<>();
    private volatile boolean stopRequested;
    private Metrics metrics;
    private long runStart;
    private long deadline;
    private long nextProgress;
    private RunResult.Accounts accounts;
    private RunResult.RosterSetup rosterSetup;
    private double allEndedSeconds = Double.NaN;
    private long sendStart;
    private long sendEnd;
    /** muc: how long the joins took, the measured window and the step-up's windows. */
    private double joinSeconds = Double.NaN;
    private MucRooms mucRooms;
    private RunResult.MucWindow mucMeasured;
    private final List<RunResult.MucWindow> mucSteps = new ArrayList<>();

    Runner(Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Makes the run end its current phase early (Ctrl-C); the results so far are still reported. */
    void requestStop() {
        stopRequested = true;
    }

    /**
     * @throws CreateCommand.Failed when --create-command fails: the run does not go on
     */
    RunResult run() throws IOException, InterruptedException {
        Instant startedAt = Instant.now();
        runStart = System.nanoTime();
        deadline = runStart + options.timeout.toNanos();
        err.printf(Locale.ROOT, "loadtest: %s, %d users on %s:%d (%s, tls %s), %d I/O thread(s)%n",
                options.scenario.cliName(), options.users, options.host, options.port, options.mechanism,
                options.tls.name().toLowerCase(Locale.ROOT), options.threads);
        switch (options.create) {
            case IBR -> registerAccounts();
            case COMMAND -> runCreateCommand();
            case NONE -> { }
        }
        if (options.setsUpRosters() && !stopRequested) setUpRosters();
        metrics = new Metrics();
        Engine engine = new Engine(options, metrics, Engine.Round.MEASURE);
        Reporter reporter = new Reporter(options, metrics, err);
        engine.start();
        reporter.start();
        try {
            if (!stopRequested) {
                switch (options.scenario) {
                    case LOGIN_STORM -> loginStorm(engine);
                    case IDLE -> idle(engine);
                    case CHAT -> chat(engine);
                    case PRESENCE_CHURN -> presenceChurn(engine);
                    case ROSTER -> roster(engine);
                    case MUC -> muc(engine);
                }
            }
        } finally {
            if (sendStart != 0 && sendEnd == 0) sendEnd = System.nanoTime();
            engine.shutdown();
            reporter.stop();
        }
        double elapsed = (System.nanoTime() - runStart) / 1e9;
        return result(startedAt, elapsed, reporter);
    }

    // ---- account creation (--create) ------------------------------------------------------------------------

    /** XEP-0077 for every user, at most --concurrency at once, each within --login-timeout. */
    private void registerAccounts() throws IOException, InterruptedException {
        Metrics m = new Metrics();
        Engine e = new Engine(options, m, Engine.Round.REGISTER);
        err.printf(Locale.ROOT, "loadtest: registering %d accounts (XEP-0077), at most %d at once%n", options.users,
                options.concurrency);
        long t0 = System.nanoTime();
        e.start();
        try {
            e.startLogins(0);
            await(() -> allEnded(m), deadline, "registering accounts", () -> String.format(Locale.ROOT,
                    "register: done %d/%d  created %d  existing %d  failed %d", m.loginsOk.sum() + m.loginsFailed.sum(),
                    options.users, m.accountsCreated.sum(), m.accountsExisting.sum(), m.loginsFailed.sum()));
        } finally {
            e.shutdown();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        accounts = new RunResult.Accounts("ibr", seconds, m.loginsStarted.sum(), m.accountsCreated.sum(),
                m.accountsExisting.sum(), m.loginsFailed.sum(), m.failures(), m.failureExamples(),
                LatencySummary.of(m.phase(Metrics.Phase.TOTAL).getIntervalHistogram()), null, null);
        err.printf(Locale.ROOT, "loadtest: accounts: %d created, %d existing, %d failed in %.1fs%n",
                accounts.created(), accounts.existing(), accounts.failed(), seconds);
        if (accounts.failed() > 0) notes.add(accounts.failed() + " account registrations failed (see accounts)");
    }

    private void runCreateCommand() throws IOException, InterruptedException {
        CreateCommand.Outcome o = CreateCommand.run(options, deadline - System.nanoTime(), err);
        accounts = new RunResult.Accounts("command", o.seconds(), null, null, null, null, Map.of(), Map.of(),
                LatencySummary.EMPTY, o.shown(), o.exitStatus());
    }

    // ---- roster setup (presence-churn, roster) ----------------------------------------------------------------

    /**
     * Logs every user in (own resource), lets each subscribe to the contacts it does not see yet and accept their
     * requests, until every roster item is 'both', nothing has changed for --login-timeout, or the deadline; then
     * closes these sessions.
     */
    private void setUpRosters() throws IOException, InterruptedException {
        Metrics m = new Metrics();
        Engine e = new Engine(options, m, Engine.Round.SETUP);
        err.printf(Locale.ROOT, "loadtest: roster setup: %d users with %d contacts each%n", options.users,
                options.contacts);
        long t0 = System.nanoTime();
        long expected = 0;
        boolean complete = false;
        e.start();
        try {
            e.startLogins(options.ramp);
            Supplier<String> line = () -> String.format(Locale.ROOT, "setup: up %d/%d  failed %d  rosters %d"
                    + "  subscribe sent %d  items both %d", m.sessionsUp.get(), options.users, m.loginsFailed.sum(),
                    m.rostersLoaded.sum(), m.subscriptionsSent.sum(), m.itemsBoth.get());
            if (await(() -> allEnded(m), deadline, "setting up rosters: logging in", line)) {
                long rostersBy = Math.min(deadline, System.nanoTime() + options.loginTimeout.toNanos());
                await(() -> m.rostersLoaded.sum() >= m.sessionsUp.get(), rostersBy, "setting up rosters", line);
                expected = e.expectedBoth();
                e.startSubscribing();
                final long target = expected;
                complete = awaitWhileProgressing(() -> m.itemsBoth.get() >= target,
                        () -> m.itemsBoth.get() + m.subscriptionsSent.sum(), "setting up rosters", line)
                        && expected > 0;
            }
        } finally {
            e.shutdown();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        rosterSetup = new RunResult.RosterSetup(options.contacts, seconds, m.loginsOk.sum(), m.loginsFailed.sum(),
                m.subscriptionsSent.sum(), expected, m.itemsBoth.get(), complete, m.failures(), m.failureExamples());
        err.printf(Locale.ROOT, "loadtest: roster setup %s in %.1fs: %d of %d roster items both, %d subscribe sent%n",
                complete ? "done" : "INCOMPLETE", seconds, rosterSetup.itemsBoth(), expected,
                rosterSetup.subscriptionsSent());
        if (!complete && !stopRequested) {
            notes.add("roster setup incomplete: " + rosterSetup.itemsBoth() + " of " + expected
                    + " roster items reached subscription both");
        }
        if (m.loginsFailed.sum() > 0) notes.add(m.loginsFailed.sum() + " logins failed during the roster setup");
    }

    /** Logins at --rate until all have been tried or --duration has passed; then wait for those in progress. */
    private void loginStorm(Engine engine) throws InterruptedException {
        engine.startLogins(options.rate);
        long cutoff = metrics.startNanos + options.duration.toNanos();
        boolean all = await(this::allLoginsEnded, Math.min(cutoff, deadline), "starting logins");
        if (!all) {
            engine.stopLogins();
            if (System.nanoTime() - cutoff >= 0 && !stopRequested) {
                notes.add("--duration reached before every user had logged in: "
                        + metrics.loginsStarted.sum() + " of " + options.users + " started");
            }
            await(this::startedLoginsEnded, deadline, "finishing logins in progress");
        }
        if (startedLoginsEnded()) markAllUp();
    }

    /** Logs everyone in with presence, says so, and holds the sessions for --duration. */
    private void idle(Engine engine) throws InterruptedException {
        if (!logInEveryone(engine)) return;
        String line = String.format(Locale.ROOT,
                "ALL UP: %d of %d sessions online (%d failed) at %.1fs; holding them for %s. Sample the server's"
                        + " memory now.", metrics.sessionsUp.get(), options.users, metrics.loginsFailed.sum(),
                allEndedSeconds, Options.seconds(options.duration));
        out.println(line);
        out.flush();
        err.println(line);
        sleepUntil(Math.min(System.nanoTime() + options.duration.toNanos(), deadline), "holding sessions");
    }

    /** Logs everyone in, then sends at --rate for --duration and waits up to --grace for messages in flight. */
    private void chat(Engine engine) throws InterruptedException {
        if (!logInEveryone(engine)) return;
        List<String> online = engine.onlineJids();
        if (online.size() < 2) {
            notes.add("chat needs at least two sessions online; " + online.size() + " were");
            return;
        }
        if (!options.settle.isZero()) {
            // What the server still does for the logins (ejabberd: up to half a second of p99 in the first second
            // after 1,000 logins) is not the chat latency; tsung waits for every user as well (wait_global).
            err.printf(Locale.ROOT, "loadtest: %d sessions online; settling for %s%n", online.size(),
                    Options.seconds(options.settle));
            sleepUntil(Math.min(System.nanoTime() + options.settle.toNanos(), deadline), "settling");
            if (stopRequested) return;
        }
        err.printf(Locale.ROOT, "loadtest: %d sessions online; sending %.1f messages/s for %s%n", online.size(),
                options.rate, Options.seconds(options.duration));
        sendStart = System.nanoTime();
        engine.startSending(online.toArray(String[]::new), options.rate);
        long sendUntil = Math.min(sendStart + options.duration.toNanos(), deadline);
        if (options.sendUntilFile == null) {
            sleepUntil(sendUntil, "sending");
        } else {
            await(() -> java.nio.file.Files.exists(options.sendUntilFile), sendUntil, "sending");
        }
        engine.stopSending();
        sendEnd = System.nanoTime();
        long graceEnd = Math.min(sendEnd + options.grace.toNanos(), deadline);
        // With --reconnect every message is also acknowledged in the end (written again after a drop until it is).
        boolean settled = await(() -> metrics.received.sum() + metrics.bounced.sum() >= metrics.sent.sum()
                        && (!options.reconnect || metrics.acked.sum() >= metrics.sent.sum()),
                graceEnd, "waiting for messages in flight", options.reconnect ? this::guaranteeProgress : null);
        if (!settled && !stopRequested) {
            notes.add("grace period ended with messages still missing");
        }
        if (options.checkArchive && !stopRequested) {
            long asked = engine.startArchiveCheck();
            err.printf(Locale.ROOT, "loadtest: %d sessions read their archives%n", asked);
            boolean read = await(() -> metrics.archiveRead.sum() + metrics.archiveFailed.sum() >= asked,
                    Math.min(System.nanoTime() + options.loginTimeout.toNanos(), deadline), "reading the archives");
            if (!read && !stopRequested) notes.add("archive check: not every session had read its archive in time");
            if (metrics.archiveFailed.sum() > 0) {
                notes.add(metrics.archiveFailed.sum() + " sessions failed to read their archive (see failures)");
            }
        }
    }

    private String guaranteeProgress() {
        return String.format(Locale.ROOT, "sent %d  acked %d  received %d  duplicates %d  up %d  disconnects %d"
                + "  resumed %d  refused %d", metrics.sent.sum(), metrics.acked.sum(), metrics.received.sum(),
                metrics.duplicates.sum(), metrics.sessionsUp.get(), metrics.disconnects.sum(), metrics.resumed.sum(),
                metrics.resumeFailed.sum());
    }

    /**
     * Logs everyone in (each then gets its roster and the presence of its contacts), then changes presence at
     * --rate for --duration and waits up to --grace for the broadcasts in flight.
     */
    private void presenceChurn(Engine engine) throws InterruptedException {
        if (!logInEveryone(engine) || !awaitSteps()) return;
        if (metrics.sessionsUp.get() < 2) {
            notes.add("presence-churn needs at least two sessions online; " + metrics.sessionsUp.get() + " were");
            return;
        }
        err.printf(Locale.ROOT, "loadtest: %d sessions online; changing presence %.1f times/s for %s%n",
                metrics.sessionsUp.get(), options.rate, Options.seconds(options.duration));
        sendStart = System.nanoTime();
        engine.csiPhase = 1;
        engine.startChurn(options.rate);
        sleepUntil(Math.min(sendStart + options.duration.toNanos(), deadline), "changing presence");
        engine.stopSending();
        sendEnd = System.nanoTime();
        long graceEnd = Math.min(sendEnd + options.grace.toNanos(), deadline);
        boolean settled = await(() -> metrics.received.sum() >= metrics.presenceExpected.sum(), graceEnd,
                "waiting for presence broadcasts in flight");
        if (!settled && !stopRequested) notes.add("grace period ended with presence broadcasts still missing");
        if (options.csiInactiveEvery > 0 && !stopRequested) {
            notes.add(CsiFigures.collect(engine, metrics, err, Math.min(System.nanoTime()
                    + java.time.Duration.ofSeconds(5).toNanos(), deadline), () -> stopRequested));
        }
    }

    /**
     * Logs everyone in; the first user online of each room creates it (joins, configures), then the others join;
     * then groupchat at --rate for --duration, drained for up to --grace; then, with --step-up, windows at twice
     * the rate before until one does not keep up.
     */
    private void muc(Engine engine) throws InterruptedException {
        if (!logInEveryone(engine)) return;
        MucRooms rooms = engine.rooms;
        mucRooms = rooms;
        long joinStart = System.nanoTime();
        int creators = engine.chooseCreators();
        err.printf(Locale.ROOT, "loadtest: %d sessions online; creating %d rooms of %d at %s%n",
                metrics.sessionsUp.get(), creators, rooms.size, options.mucService);
        Supplier<String> line = () -> String.format(Locale.ROOT, "rooms ready %d, failed %d of %d; joined %d,"
                + " failed %d of %d asked", rooms.readyCount(), rooms.failedCount(), rooms.count,
                metrics.mucJoined.sum(), metrics.mucJoinFailed.sum(), metrics.mucJoinsAsked.sum());
        engine.startJoins(true);
        // Each creator's join and configuration is bounded by --login-timeout (the sweep ends it); this bounds a
        // queue of creators that stops moving.
        boolean created = awaitWhileProgressing(() -> rooms.unsettled() == 0,
                () -> rooms.readyCount() + rooms.failedCount() + metrics.mucJoined.sum(), "creating the rooms", null);
        if (!created) {
            int late = rooms.failPending();
            if (late > 0 && !stopRequested) notes.add(late + " rooms were not created in time");
        }
        if (stopRequested) return;
        engine.startJoins(false);
        awaitWhileProgressing(() -> metrics.mucJoined.sum() + metrics.mucJoinFailed.sum()
                        >= metrics.mucJoinsAsked.sum(), () -> metrics.mucJoined.sum() + metrics.mucJoinFailed.sum(),
                "joining the rooms", null);
        joinSeconds = (System.nanoTime() - joinStart) / 1e9;
        err.printf(Locale.ROOT, "loadtest: joined in %.1fs: %s%n", joinSeconds, line.get());
        if (rooms.failedCount() > 0) notes.add(rooms.failedCount() + " of " + rooms.count + " rooms were never ready");
        if (metrics.mucJoinFailed.sum() > 0) {
            notes.add(metrics.mucJoinFailed.sum() + " users did not take part in their room (see failures)");
        }
        if (stopRequested || metrics.mucJoined.sum() == 0) {
            if (!stopRequested) notes.add("nobody joined a room: nothing to send");
            return;
        }
        if (!options.settle.isZero()) {
            sleepUntil(Math.min(System.nanoTime() + options.settle.toNanos(), deadline), "settling");
            if (stopRequested) return;
        }
        mucMeasured = mucWindow(engine, options.rate, options.duration, 0);
        if (!mucMeasured.keptUp()) {
            if (options.stepUp > 0 && !stopRequested) notes.add("no step-up: the measured window did not keep up");
            return;
        }
        double rate = options.rate;
        for (int step = 1; step <= options.stepUp && !stopRequested && System.nanoTime() - deadline < 0; step++) {
            rate *= 2;
            RunResult.MucWindow w = mucWindow(engine, rate, options.stepDuration, step);
            mucSteps.add(w);
            if (!w.keptUp()) break;
        }
    }

    /**
     * Sends groupchat at rate for length, then waits up to --grace for the deliveries in flight, and reads what this
     * window alone did: counters as differences, latencies from the recorders emptied at its start.
     */
    private RunResult.MucWindow mucWindow(Engine engine, double rate, java.time.Duration length, int window)
            throws InterruptedException {
        boolean measured = window == 0;
        Metrics m = metrics;
        long sent0 = m.sent.sum();
        long expected0 = m.mucExpected.sum();
        long received0 = m.received.sum();
        long duplicates0 = m.duplicates.sum();
        long errors0 = m.bounced.sum();
        m.mucLatency.getIntervalHistogram(); // what arrived late from the window before belongs to it, not here
        m.mucLatencyFromDue.getIntervalHistogram();
        err.printf(Locale.ROOT, "loadtest: %s: %.1f groupchat messages/s over %d rooms for %s%n",
                measured ? "measured window" : "step", rate, engine.rooms.count, Options.seconds(length));
        long start = System.nanoTime();
        if (measured) sendStart = start;
        engine.startGroupchat(rate, window);
        sleepUntil(Math.min(start + length.toNanos(), deadline), measured ? "sending to the rooms" : "stepping up");
        engine.stopSending();
        long end = System.nanoTime();
        if (measured) sendEnd = end;
        long inWindow = m.received.sum() - received0;
        long sent = m.sent.sum() - sent0;
        long expected = m.mucExpected.sum() - expected0;
        boolean drained = await(() -> m.received.sum() - received0 >= expected,
                Math.min(end + options.grace.toNanos(), deadline), "waiting for deliveries in flight");
        if (!drained && measured && !stopRequested) notes.add("grace period ended with deliveries still missing");
        long received = m.received.sum() - received0;
        LatencySummary latency = LatencySummary.of(m.mucLatency.getIntervalHistogram());
        LatencySummary fromDue = LatencySummary.of(m.mucLatencyFromDue.getIntervalHistogram());
        double seconds = (end - start) / 1e9;
        double achieved = seconds > 0 ? sent / seconds : 0;
        String verdict;
        if (stopRequested) {
            verdict = "stopped by the operator";
        } else if (sent == 0) {
            verdict = "nothing sent";
        } else if (achieved < 0.95 * rate) {
            verdict = String.format(Locale.ROOT, "sent %.1f of %.1f messages/s", achieved, rate);
        } else if (received < expected * (1 - options.stepBehindPercent / 100)) {
            verdict = String.format(Locale.ROOT, "behind: %d of %d deliveries after the drain", received, expected);
        } else if (!(latency.p99Ms() <= options.stepP99.toMillis())) {
            verdict = String.format(Locale.ROOT, "p99 %.1f ms over %d ms", latency.p99Ms(), options.stepP99.toMillis());
        } else {
            verdict = "ok";
        }
        RunResult.MucWindow w = new RunResult.MucWindow(rate, seconds, sent, achieved, expected, received, inWindow,
                seconds > 0 ? inWindow / seconds : 0, Math.max(0, expected - received),
                m.duplicates.sum() - duplicates0, m.bounced.sum() - errors0, latency, fromDue, "ok".equals(verdict),
                verdict);
        err.printf(Locale.ROOT, "loadtest: %.1f/s: sent %d (%.1f/s), deliveries %d of %d (%.1f/s in the window),"
                + " p50 %.2f ms p99 %.2f ms: %s%n", rate, sent, achieved, received, expected, w.deliveredRate(),
                latency.p50Ms(), latency.p99Ms(), verdict);
        return w;
    }

    /** Logs everyone in; each session times its roster get and the presence of its contacts. */
    private void roster(Engine engine) throws InterruptedException {
        if (logInEveryone(engine)) awaitSteps();
    }

    /** Waits until every session online has ended its roster and presences steps. */
    private boolean awaitSteps() throws InterruptedException {
        return await(() -> metrics.stepsEnded.sum() >= metrics.loginsOk.sum(), deadline,
                "waiting for rosters and presences");
    }

    /** Logs in every user at --ramp; false when the run ended before all logins had ended. */
    private boolean logInEveryone(Engine engine) throws InterruptedException {
        engine.startLogins(options.ramp);
        boolean all = await(this::allLoginsEnded, deadline, "logging in");
        if (all) markAllUp();
        return all;
    }

    private boolean allLoginsEnded() {
        return metrics.loginsStarted.sum() == options.users && startedLoginsEnded();
    }

    private boolean startedLoginsEnded() {
        return metrics.loginsOk.sum() + metrics.loginsFailed.sum() >= metrics.loginsStarted.sum();
    }

    /** Every user of a round was started and has ended its login (or registration). */
    private boolean allEnded(Metrics m) {
        return m.loginsStarted.sum() == options.users
                && m.loginsOk.sum() + m.loginsFailed.sum() >= m.loginsStarted.sum();
    }

    private void markAllUp() {
        allEndedSeconds = (System.nanoTime() - metrics.startNanos) / 1e9;
    }

    /** Waits until done holds, the deadline passes or a stop is requested; true when done held. */
    private boolean await(BooleanSupplier done, long until, String what) throws InterruptedException {
        return await(done, until, what, null);
    }

    /**
     * As {@link #await(BooleanSupplier, long, String)}, printing {@code progress} on stderr every --progress (the
     * rounds before the measured one, which the reporter does not see).
     */
    private boolean await(BooleanSupplier done, long until, String what, Supplier<String> progress)
            throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (stopRequested) {
                noteStop(what);
                return false;
            }
            long now = System.nanoTime();
            if (now - until >= 0) {
                if (until == deadline) notes.add("--timeout reached while " + what);
                return done.getAsBoolean();
            }
            if (progress != null && now - nextProgress >= 0) {
                if (nextProgress != 0) {
                    err.printf(Locale.ROOT, "[%7.1fs] %s%n", (now - runStart) / 1e9, progress.get());
                }
                nextProgress = now + options.progress.toNanos();
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        return true;
    }

    /** As await to the deadline, but also gives up once {@code progress} has not moved for --login-timeout. */
    private boolean awaitWhileProgressing(BooleanSupplier done, LongSupplier progress, String what,
            Supplier<String> line) throws InterruptedException {
        long last = progress.getAsLong();
        long lastChange = System.nanoTime();
        while (true) {
            long stallAt = Math.min(deadline, lastChange + options.loginTimeout.toNanos());
            long seen = last;
            boolean finished = await(() -> done.getAsBoolean() || progress.getAsLong() != seen, stallAt, what, line);
            if (done.getAsBoolean()) return true;
            if (!finished || stopRequested) return false; // stalled, deadline or stop
            last = progress.getAsLong();
            lastChange = System.nanoTime();
        }
    }

    private void sleepUntil(long until, String what) throws InterruptedException {
        await(() -> false, until, what);
    }

    private void noteStop(String what) {
        String note = "stopped by the operator while " + what;
        if (!notes.contains(note)) notes.add(note);
    }

    /** Every message by its id; null unless --reconnect or --check-archive asked for it. */
    private RunResult.Guarantee guarantee() {
        if (!options.reconnect && !options.checkArchive) return null;
        Metrics m = metrics;
        long acked = m.ackedSeqs.count();
        long ackedLost = options.checkArchive ? m.ackedSeqs.countMissingFrom(m.seen, m.archivedSeqs)
                : m.ackedSeqs.countMissingFrom(m.seen);
        List<Long> examples = options.checkArchive ? m.ackedSeqs.missingFrom(20, m.seen, m.archivedSeqs)
                : m.ackedSeqs.missingFrom(20, m.seen);
        if (ackedLost > 0) {
            notes.add(ackedLost + " messages acknowledged by the server were neither delivered"
                    + (options.checkArchive ? " nor found in the archive" : "") + ", e.g. m" + examples.get(0));
        }
        return new RunResult.Guarantee(acked, m.received.sum(), m.ackedSeqs.countMissingFrom(m.seen),
                options.checkArchive, m.archiveQueried.sum(), m.archiveRead.sum(), m.archivedSeqs.count(),
                options.checkArchive ? m.ackedSeqs.countMissingFrom(m.archivedSeqs) : 0, ackedLost, examples,
                m.ackedSeqs.missingFrom(20, m.seen),
                Math.max(0, m.sent.sum() - acked), m.resent.sum(), m.disconnects.sum(), m.resumed.sum(),
                m.resumeFailed.sum(), m.rebound.sum(), m.gaveUp.sum(),
                LatencySummary.of(m.resumeLatency.getIntervalHistogram()),
                LatencySummary.of(m.reboundLatency.getIntervalHistogram()));
    }

    private RunResult result(Instant startedAt, double elapsed, Reporter reporter) {
        long firstStart = metrics.firstLoginStartNanos.get();
        long lastOk = metrics.lastLoginOkNanos.get();
        long ok = metrics.loginsOk.sum();
        double loginSpan = (lastOk - firstStart) / 1e9;
        double loginRate = ok > 0 && firstStart != Long.MIN_VALUE && loginSpan > 0 ? ok / loginSpan : 0;
        Map<Metrics.Phase, LatencySummary> phases = new EnumMap<>(reporter.phaseLatencies());
        if (!options.scenario.usesContacts()) {
            phases.remove(Metrics.Phase.ROSTER);
            phases.remove(Metrics.Phase.PRESENCES);
        }
        RunResult.Logins logins = new RunResult.Logins(options.users, metrics.loginsStarted.sum(), ok,
                metrics.loginsFailed.sum(), metrics.dropped.sum(), metrics.maxUp.get(), allEndedSeconds, loginRate,
                phases);
        RunResult.Messages messages = null;
        if (options.scenario == Options.Scenario.CHAT) {
            long sent = metrics.sent.sum();
            long received = metrics.received.sum();
            double sendSeconds = sendStart == 0 ? 0 : (sendEnd - sendStart) / 1e9;
            messages = new RunResult.Messages(options.rate, sendSeconds, sent,
                    sendSeconds > 0 ? sent / sendSeconds : 0, received,
                    sendSeconds > 0 ? received / sendSeconds : 0, sent - received, metrics.bounced.sum(),
                    metrics.bounceConditions(), metrics.duplicates.sum(), reporter.messageLatency(),
                    reporter.messageLatencyFromDue(), metrics.acked.sum(), reporter.ackLatency(), guarantee());
        }
        RunResult.Presences presences = null;
        if (options.scenario == Options.Scenario.PRESENCE_CHURN) {
            long changes = metrics.sent.sum();
            long received = metrics.received.sum();
            long expected = metrics.presenceExpected.sum();
            double sendSeconds = sendStart == 0 ? 0 : (sendEnd - sendStart) / 1e9;
            presences = new RunResult.Presences(options.rate, sendSeconds, changes,
                    sendSeconds > 0 ? changes / sendSeconds : 0, expected, received,
                    sendSeconds > 0 ? received / sendSeconds : 0, Math.max(0, expected - received),
                    metrics.duplicates.sum(), metrics.presenceUnexpected.sum(), reporter.messageLatency());
        }
        RunResult.Muc muc = options.scenario == Options.Scenario.MUC ? mucResult() : null;
        return new RunResult(options.scenario.cliName(), options.effective(), startedAt.toString(), elapsed,
                List.copyOf(notes), accounts, rosterSetup, logins, messages, presences, metrics.failures(),
                metrics.failureExamples(), reporter.samples(), muc);
    }

    private RunResult.Muc mucResult() {
        Map<String, Long> joinErrors = new java.util.TreeMap<>();
        metrics.failures().forEach((kind, n) -> {
            if (kind.startsWith("muc-join:") || kind.startsWith("muc-config:")) joinErrors.put(kind, n);
        });
        double sustained = Double.NaN;
        if (mucMeasured != null && mucMeasured.keptUp()) {
            sustained = mucMeasured.offeredRate();
            for (RunResult.MucWindow w : mucSteps) {
                if (!w.keptUp()) break;
                sustained = w.offeredRate();
            }
        }
        RunResult.MucWindow measured = mucMeasured != null ? mucMeasured : new RunResult.MucWindow(options.rate, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, LatencySummary.EMPTY, LatencySummary.EMPTY, false, "not reached");
        long ready = mucRooms == null ? 0 : mucRooms.readyCount();
        return new RunResult.Muc(options.roomSize, options.rooms, options.mucService, ready,
                metrics.mucRoomsCreated.sum(), metrics.mucRoomsExisting.sum(), options.rooms - ready,
                metrics.mucConfigRetried.sum(), metrics.mucJoinsAsked.sum(), metrics.mucJoined.sum(),
                metrics.mucJoinFailed.sum(), joinErrors,
                joinSeconds, LatencySummary.of(metrics.mucJoinLatency.getIntervalHistogram()), measured,
                metrics.bounceConditions(), List.copyOf(mucSteps), sustained);
    }
}
