package io.rookery.loadtest;

import java.util.List;
import java.util.Map;

/** Everything one run reports; the summary, the JSON file and the HTML page are views of it. */
record RunResult(String scenario, Map<String, String> options, String startedAt, double elapsedSeconds,
        List<String> notes, Accounts accounts, RosterSetup rosterSetup, Logins logins, Messages messages,
        Presences presences, Map<String, Long> failures, Map<String, String> failureExamples, List<Sample> timeline) {

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
