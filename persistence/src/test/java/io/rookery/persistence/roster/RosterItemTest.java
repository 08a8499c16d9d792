package io.rookery.persistence.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RosterItemTest {

    private static final RosterItem JULIET =
            new RosterItem("juliet@example.com", "Juliet", List.of("Friends"), Subscription.TO, true, false);

    @Test
    void subscriptionValuesAreTheAttributeValuesOfRfc6121() {
        assertEquals(List.of("none", "to", "from", "both"),
                List.of(Subscription.values()).stream().map(Subscription::value).toList());
        for (Subscription s : Subscription.values()) {
            assertEquals(s, Subscription.fromValue(s.value()));
        }
    }

    @Test
    void refusesASubscriptionValueThatIsNoState() {
        assertThrows(IllegalArgumentException.class, () -> Subscription.fromValue("remove"));
        assertThrows(IllegalArgumentException.class, () -> Subscription.fromValue("BOTH"));
        assertThrows(IllegalArgumentException.class, () -> Subscription.fromValue(null));
    }

    @Test
    void withersChangeOnlyTheirOwnComponents() {
        assertEquals(new RosterItem("juliet@example.com", "Juliet", List.of("Friends"), Subscription.BOTH, true, false),
                JULIET.withSubscription(Subscription.BOTH));
        assertEquals(new RosterItem("juliet@example.com", "Juliet", List.of("Friends"), Subscription.TO, false, false),
                JULIET.withPendingOut(false));
        assertEquals(new RosterItem("juliet@example.com", "Juliet", List.of("Friends"), Subscription.TO, true, true),
                JULIET.withApproved(true));
        assertEquals(new RosterItem("juliet@example.com", null, List.of("A", "B"), Subscription.TO, true, false),
                JULIET.withNameAndGroups(null, List.of("A", "B")));
    }

    @Test
    void keepsAnImmutableCopyOfItsGroups() {
        List<String> groups = new ArrayList<>(List.of("Friends"));
        RosterItem item = new RosterItem("a@b", null, groups, Subscription.NONE, false, false);
        groups.add("Enemies");
        assertEquals(List.of("Friends"), item.groups());
        assertThrows(UnsupportedOperationException.class, () -> item.groups().add("x"));
        assertEquals(List.of(), new RosterItem("a@b", null, null, Subscription.NONE, false, false).groups());
    }

    @Test
    void needsAJidAndASubscription() {
        assertThrows(NullPointerException.class, () -> new RosterItem(null, null, List.of(), Subscription.NONE,
                false, false));
        assertThrows(NullPointerException.class, () -> new RosterItem("a@b", null, List.of(), null, false, false));
    }
}
