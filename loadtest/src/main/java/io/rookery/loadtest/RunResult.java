package io.rookery.loadtest;

import java.util.List;
import java.util.Map;

/** Everything one run reports; the summary, the JSON file and the HTML page are views of it. */
record RunResult(String scenario, Map<String, String> options, String startedAt, double elapsedSeconds,
        List<String> notes, Logins logins, Messages messages, Map<String, Long> failures,
        Map<String, String> failureExamples, List<Sample> timeline) {

    /**
     * @param allEndedSeconds  when every login had ended (succeeded or failed), seconds from the start; NaN if never
     * @param ratePerSecond successful logins per second, from the first login started to the last one finished
     * @param phases        per phase (connect, tls, auth, bind, total) latency
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
     */
    record Messages(double offeredRate, double sendSeconds, long sent, double achievedRate, long received,
            double deliveredRate, long lost, long bounced, Map<String, Long> bounceConditions, long duplicates,
            LatencySummary latency) {}
}
