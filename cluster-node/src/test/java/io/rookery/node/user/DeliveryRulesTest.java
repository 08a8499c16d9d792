package io.rookery.node.user;

import static io.rookery.node.user.DeliveryRules.Action.ANSWER_ON_BEHALF;
import static io.rookery.node.user.DeliveryRules.Action.BOUNCE;
import static io.rookery.node.user.DeliveryRules.Action.DROP;
import static io.rookery.node.user.DeliveryRules.Action.MESSAGE_TO_BARE;
import static io.rookery.node.user.DeliveryRules.Action.PRESENCE_TO_AVAILABLE;
import static io.rookery.node.user.DeliveryRules.Action.PROBE;
import static io.rookery.node.user.DeliveryRules.Action.SUBSCRIPTION;
import static io.rookery.node.user.DeliveryRules.Action.TO_RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6121 §8.5 as a table: each row a kind and type of stanza, where it was addressed, and what becomes of it. */
class DeliveryRulesTest {

    @ParameterizedTest(name = "{0} type={1} to {2}: {3}")
    @CsvSource(nullValues = "-", textBlock = """
            # §8.5.1: no such account
            message,  chat,        no-account, BOUNCE
            message,  error,       no-account, DROP
            iq,       get,         no-account, BOUNCE
            iq,       result,      no-account, DROP
            presence, subscribe,   no-account, DROP
            presence, -,           no-account, DROP
            # §8.5.2: the bare JID
            message,  chat,        bare,       MESSAGE_TO_BARE
            message,  -,           bare,       MESSAGE_TO_BARE
            message,  headline,    bare,       MESSAGE_TO_BARE
            message,  groupchat,   bare,       BOUNCE
            message,  error,       bare,       DROP
            presence, -,           bare,       PRESENCE_TO_AVAILABLE
            presence, unavailable, bare,       PRESENCE_TO_AVAILABLE
            presence, probe,       bare,       PROBE
            presence, subscribe,   bare,       SUBSCRIPTION
            presence, unsubscribed,bare,       SUBSCRIPTION
            iq,       get,         bare,       ANSWER_ON_BEHALF
            iq,       set,         bare,       ANSWER_ON_BEHALF
            iq,       result,      bare,       IQ_RESPONSE
            iq,       error,       bare,       IQ_RESPONSE
            # §8.5.3.1: a full JID whose resource is bound
            message,  groupchat,   bound,      TO_RESOURCE
            iq,       result,      bound,      TO_RESOURCE
            presence, subscribe,   bound,      TO_RESOURCE
            # §8.5.3.2: a full JID whose resource is not bound
            message,  chat,        unbound,    MESSAGE_TO_BARE
            message,  groupchat,   unbound,    BOUNCE
            message,  error,       unbound,    DROP
            iq,       set,         unbound,    BOUNCE
            iq,       error,       unbound,    DROP
            presence, -,           unbound,    DROP
            """)
    void eachStanzaGoesWhereTheRfcSays(String kind, String type, String to, DeliveryRules.Action expected) {
        boolean exists = !to.equals("no-account");
        boolean full = to.equals("bound") || to.equals("unbound");
        assertEquals(expected, DeliveryRules.decide(kind, type, exists, full, to.equals("bound")));
    }

    private record R(String name, boolean available, int priority) {}

    private static List<String> targets(String type, R... resources) {
        return DeliveryRules.messageTargets(type, List.of(resources), R::available, R::priority).stream()
                .map(R::name).toList();
    }

    @Test
    void chatGoesToTheHighestNonNegativePriorityAndHeadlineToEveryNonNegativeOne() {
        R desk = new R("desk", true, 5);
        R phone = new R("phone", true, 5);
        R tablet = new R("tablet", true, 1);
        R hidden = new R("hidden", true, -1);
        R away = new R("bound-not-available", false, 10);

        assertEquals(List.of("desk", "phone"), targets("chat", tablet, desk, hidden, phone, away));
        assertEquals(List.of("tablet", "desk", "phone"), targets("headline", tablet, desk, hidden, phone, away));
        assertEquals(List.of(), targets("chat", hidden, away), "negative priority and unavailable take nothing");
        assertEquals(List.of("tablet"), targets(null, hidden, tablet));
    }

    @Test
    void onlyNormalAndChatAreStoredWhenNoResourceTakesThem() {
        assertTrue(DeliveryRules.storable(null));
        assertTrue(DeliveryRules.storable("normal"));
        assertTrue(DeliveryRules.storable("chat"));
        assertFalse(DeliveryRules.storable("headline"));
        assertFalse(DeliveryRules.storable("groupchat"));
    }
}
