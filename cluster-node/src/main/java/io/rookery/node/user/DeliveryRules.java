package io.rookery.node.user;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * RFC 6121 §8.5 in one place: what the server does with a stanza addressed to a local account, by its kind and
 * type, whether the account exists, and whether it went to the bare JID or to a full JID whose resource is bound.
 * Pure: the user entity decides here and then acts ({@link UserEntity}, {@link OnlineResources}). What a session
 * sends with no 'to' or to the server itself is RFC 6120 §10.3 and §10.4, in the session.
 */
final class DeliveryRules {
    private DeliveryRules() {}

    enum Action {
        /** Dropped without an answer. */
        DROP,
        /** Answered with service-unavailable. */
        BOUNCE,
        /** §8.5.3.1: to the session of the addressed resource, whatever the kind. */
        TO_RESOURCE,
        /**
         * §8.5.2.1.1 (and §8.5.3.2.1 for an unavailable resource): to the resources {@link #messageTargets} picks;
         * when it picks none, stored when {@link #storable} (§8.5.2.2.1), else dropped.
         */
        MESSAGE_TO_BARE,
        /** §4.3: a probe, answered by the server with the user's presence (subscribers only). */
        PROBE,
        /** §3: subscribe, subscribed, unsubscribe, unsubscribed, handled by the roster. */
        SUBSCRIPTION,
        /** §8.5.2.1.2: other presence goes to every available resource (directed presence, §4.6). */
        PRESENCE_TO_AVAILABLE,
        /** §8.5.2.1.3: an iq get or set to the bare JID, answered by the server on the user's behalf. */
        ANSWER_ON_BEHALF,
        /**
         * An iq result or error to the bare JID: the answer to what a module asked in the user's name
         * ({@code Hook.IQ_RESPONSE}), dropped when no module takes it (§8.5.2.1.3 leaves the server to decide).
         */
        IQ_RESPONSE
    }

    static Action decide(String kind, String type, boolean accountExists, boolean toFullJid, boolean resourceBound) {
        if (!accountExists) {
            // §8.5.1: no such user. Presence is dropped; errors and results are never answered with errors.
            return "presence".equals(kind) || "error".equals(type) || "result".equals(type) ? Action.DROP
                    : Action.BOUNCE;
        }
        if (toFullJid) {
            if (resourceBound) return Action.TO_RESOURCE;
            return switch (kind) {
                // §8.5.3.2.1: as if sent to the bare JID, except groupchat (error) and error (dropped).
                case "message" -> "groupchat".equals(type) ? Action.BOUNCE
                        : "error".equals(type) ? Action.DROP : Action.MESSAGE_TO_BARE;
                // §8.5.3.2.2: an iq get or set to a resource that is not there is answered with an error.
                case "iq" -> request(type) ? Action.BOUNCE : Action.DROP;
                // §8.5.3.2.3: presence to an unavailable resource is dropped.
                default -> Action.DROP;
            };
        }
        return switch (kind) {
            // §8.5.2.1.1, §8.5.2.2.1: groupchat to a bare JID is an error whoever is online; errors are dropped.
            case "message" -> "groupchat".equals(type) ? Action.BOUNCE
                    : "error".equals(type) ? Action.DROP : Action.MESSAGE_TO_BARE;
            case "presence" -> "probe".equals(type) ? Action.PROBE
                    : subscription(type) ? Action.SUBSCRIPTION : Action.PRESENCE_TO_AVAILABLE;
            case "iq" -> request(type) ? Action.ANSWER_ON_BEHALF
                    : "result".equals(type) || "error".equals(type) ? Action.IQ_RESPONSE : Action.DROP;
            default -> Action.DROP;
        };
    }

    /**
     * §8.5.2.1.1: headline goes to every available resource with a non-negative priority; normal and chat (and a
     * message of no type) to the available resource(s) with the highest non-negative priority.
     */
    static <R> List<R> messageTargets(String type, Iterable<R> resources, Predicate<R> available,
            ToIntFunction<R> priority) {
        List<R> targets = new ArrayList<>(2);
        boolean headline = "headline".equals(type);
        int best = Integer.MIN_VALUE;
        for (R r : resources) {
            int p = priority.applyAsInt(r);
            if (!available.test(r) || p < 0) continue;
            if (!headline && p > best) {
                best = p;
                targets.clear();
            }
            if (headline || p == best) targets.add(r);
        }
        return targets;
    }

    /** §8.5.2.2.1: a normal or chat message no resource takes goes to offline storage; a headline is dropped. */
    static boolean storable(String type) {
        return type == null || "normal".equals(type) || "chat".equals(type);
    }

    private static boolean request(String type) {
        return "get".equals(type) || "set".equals(type);
    }

    private static boolean subscription(String type) {
        return "subscribe".equals(type) || "subscribed".equals(type) || "unsubscribe".equals(type)
                || "unsubscribed".equals(type);
    }
}
