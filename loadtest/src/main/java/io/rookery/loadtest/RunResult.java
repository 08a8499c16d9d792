package io.rookery.loadtest;

import java.util.List;
import java.util.Map;

/** Everything one run reports; the summary, the JSON file and the HTML page are views of it. */
record RunResult(String scenario, Map<String, String> options, String startedAt, double elapsedSeconds,
        List<String> notes, Accounts accounts, RosterSetup rosterSetup, Logins logins, Messages messages,
        Presences presences, Map<String, Long> failures, Map<String, String> failureExamples, List<Sample> timeline,
        Muc muc) {

    /** A result of any scenario but muc. */
    RunResult(String scenario, Map<String, String> options, String startedAt, double elapsedSeconds,
            List<String> notes, Accounts accounts, RosterSetup rosterSetup, Logins logins, Messages messages,
            Presences presences, Map<String, Long> failures, Map<String, String> failureExamples,
            List<Sample> timeline) {
        this(scenario, options, startedAt, elapsedSeconds, notes, accounts, rosterSetup, logins, messages, presences,
                failures, failureExamples, timeline, null);
    }

    /**
     * @param allEndedSeconds  when every login had ended (succeeded or failed), seconds from the start; NaN if never
     * @param ratePerSecond successful logins per second, from the first login started to the last one finished
     * @param phases        per phase (connect, tls, auth, bind, total; roster and presences in the scenarios with
     *                      contacts) latency
     */
    record Logins(int target, long started, long ok, long failed, long dropped, int maxUp, double allEndedSeconds,
            double ratePerSecond, Map<Metrics.Phase, LatencySummary> phases) {}

    /**
     * Present for the chat scenario only.
     *
     * @param offeredRate  the --rate asked for
     * @param sendSeconds  how long the send phase lasted
     * @param achievedRate messages actually sent per second of the send phase
     * @param lost         sent but not received by the end of the grace period (bounced ones included)
     * @param bounced      answered with an error stanza
     * @param latency      from the sender's write to the receiver's parse
     * @param latencyFromDue from when the pacer meant the message to leave to the receiver's parse: the generator's
     *                     own lateness included (corrected for coordinated omission)
     * @param acked        messages the server acknowledged (XEP-0198, --sm=on; 0 otherwise)
     * @param ackLatency   from the sender's write to the server's acknowledgement; null without --sm=on
     * @param guarantee    every message by its id, with --reconnect=on or --check-archive=on; null otherwise
     */
    record Messages(double offeredRate, double sendSeconds, long sent, double achievedRate, long received,
            double deliveredRate, long lost, long bounced, Map<String, Long> bounceConditions, long duplicates,
            LatencySummary latency, LatencySummary latencyFromDue, long acked, LatencySummary ackLatency,
            Guarantee guarantee) {}

    /**
     * What became of every message, by its sequence number (the chaos scenario: --reconnect=on, --check-archive=on).
     *
     * @param acked              distinct messages the server acknowledged (XEP-0198)
     * @param delivered          distinct messages that reached their recipient
     * @param ackedNotDelivered  acknowledged and never received
     * @param archiveChecked     whether the archives were read (--check-archive=on)
     * @param archiveUsers       sessions that asked for their archive
     * @param archiveRead        of those, the ones that read it to its end
     * @param archived           distinct messages found in their recipient's archive
     * @param ackedNotArchived   acknowledged and not found in the recipient's archive (with the check only)
     * @param ackedLost          acknowledged and neither received nor found in the archive: the guarantee says 0
     * @param ackedLostExamples  a few of their sequence numbers (message ids m + seq)
     * @param ackedNotDeliveredExamples  a few of those acknowledged and never received
     * @param sentNotAcked       sent and never acknowledged (their sender gave up, or the run ended first)
     * @param resent             writes of a message again after a drop
     * @param disconnects        online sessions the server dropped
     * @param resumed            of the reconnections, streams resumed (XEP-0198 {@code <resumed/>})
     * @param resumeFailed       resumptions refused ({@code <failed/>}); the client then bound afresh
     * @param rebound            sessions online again by a fresh bind
     * @param gaveUp             users that stopped trying (--reconnect-attempts) or were still trying at the end
     * @param resumeLatency      from the drop to {@code <resumed/>}
     * @param reboundLatency     from the drop to online again by a fresh bind
     */
    record Guarantee(long acked, long delivered, long ackedNotDelivered, boolean archiveChecked, long archiveUsers,
            long archiveRead, long archived, long ackedNotArchived, long ackedLost, List<Long> ackedLostExamples, List<Long> ackedNotDeliveredExamples,
            long sentNotAcked, long resent, long disconnects, long resumed, long resumeFailed, long rebound,
            long gaveUp, LatencySummary resumeLatency, LatencySummary reboundLatency) {}

    /**
     * Present for the presence-churn scenario only.
     *
     * @param changes     presence changes sent
     * @param expected    broadcasts those changes should cause: for each, the sender's contacts available then
     * @param received    broadcasts that arrived at a contact, each (change, contact) counted once
     * @param lost        expected but not received by the end of the grace period (never below 0)
     * @param duplicates  the same change arriving twice at the same contact
     * @param unexpected  changes of ours that arrived at a user who is not a contact of the sender
     */
    record Presences(double offeredRate, double sendSeconds, long changes, double achievedRate, long expected,
            long received, double deliveredRate, long lost, long duplicates, long unexpected,
            LatencySummary latency) {}

    /**
     * Present for the muc scenario only.
     *
     * @param roomsReady      rooms created and configured by their creator, or found there, that others entered
     * @param roomsCreated    rooms whose creator's self-presence said 201 (created for it)
     * @param roomsExisting   rooms the creator found there already (no 201)
     * @param roomsFailed     rooms never ready: the creator was refused, timed out, or nobody was online for it
     * @param configRetried   creators whose configuration form was refused and who submitted an empty one
     * @param joinsAttempted  users online when the joins started, creators included
     * @param joined          of those, occupants that took part (self-presence, and for a creator its room ready)
     * @param joinFailed      of those, users that did not: by kind in joinErrors (also in the run's failures)
     * @param joinSeconds     from the first join presence to the end of the last join
     * @param joinLatency     from each join presence to its self-presence
     * @param measured        the window at --rate for --duration
     * @param errorConditions groupchat messages refused with an error, by condition, over the whole run
     * @param steps           the step-up's windows, in order (empty without --step-up)
     * @param sustainedRate   the highest offered rate, of the measured window and the steps in turn, that kept up
     *                        before the first that did not; NaN when the measured window did not
     */
    record Muc(int roomSize, int rooms, String service, long roomsReady, long roomsCreated, long roomsExisting,
            long roomsFailed, long configRetried, long joinsAttempted, long joined, long joinFailed,
            Map<String, Long> joinErrors, double joinSeconds, LatencySummary joinLatency, MucWindow measured,
            Map<String, Long> errorConditions, List<MucWindow> steps, double sustainedRate) {}

    /**
     * One send window of the muc scenario, counted from its start to the end of its drain (up to --grace).
     *
     * @param sent             groupchat messages sent
     * @param achievedRate     sent per second of the window
     * @param expected         deliveries the messages should cause: the room's occupants when each was sent
     * @param received         deliveries that arrived (each message once per occupant, its sender's copy included)
     * @param receivedInWindow of those, the ones that arrived before the window ended
     * @param deliveredRate    receivedInWindow per second of the window: the fan-out sustained
     * @param lost             expected minus received after the drain (never below 0)
     * @param errors           messages the room answered with an error
     * @param latency          fan-out latency: from the sender's write to each occupant's parse
     * @param latencyFromDue   the same from when the pacer meant each message to leave
     * @param keptUp           whether the window kept up (--step-p99, --step-behind, 95% of the offered rate)
     * @param verdict          "ok", or why it did not keep up
     */
    record MucWindow(double offeredRate, double sendSeconds, long sent, double achievedRate, long expected,
            long received, long receivedInWindow, double deliveredRate, long lost, long duplicates, long errors,
            LatencySummary latency, LatencySummary latencyFromDue, boolean keptUp, String verdict) {}

    /**
     * Present with --create other than none.
     *
     * @param method     "ibr" or "command"
     * @param created    ibr: accounts registered (null for a command)
     * @param existing   ibr: registrations refused with conflict, the user existed (null for a command)
     * @param failed     ibr: registrations that failed otherwise (null for a command); their kinds in failures
     * @param command    command: the command run, password masked (null for ibr)
     * @param exitStatus command: its exit status (null for ibr)
     * @param latency    ibr: connect to the registration's answer
     */
    record Accounts(String method, double seconds, Long attempted, Long created, Long existing, Long failed,
            Map<String, Long> failures, Map<String, String> failureExamples, LatencySummary latency, String command,
            Integer exitStatus) {}

    /**
     * Present when presence-churn or roster set up the rosters first.
     *
     * @param contacts          roster size K
     * @param itemsBothExpected roster items that should have been 'both' at the end: for each user online in setup,
     *                          its contacts online in setup
     * @param itemsBoth         roster items that were 'both' at the end
     * @param complete          whether itemsBoth reached itemsBothExpected
     */
    record RosterSetup(int contacts, double seconds, long loginsOk, long loginsFailed, long subscriptionsSent,
            long itemsBothExpected, long itemsBoth, boolean complete, Map<String, Long> failures,
            Map<String, String> failureExamples) {}
}
