package io.rookery.node.user;

import io.rookery.persistence.user.UserEvent;
import java.util.ArrayList;
import java.util.List;

/** What handling one command decided: events to persist, then what to send once they are stored. */
final class Outcome {
    final List<UserEvent> events = new ArrayList<>(2);
    final List<Runnable> after = new ArrayList<>(2);

    Outcome persist(UserEvent e) {
        events.add(e);
        return this;
    }

    Outcome then(Runnable r) {
        after.add(r);
        return this;
    }

    void runAfter() {
        for (Runnable r : after) r.run();
    }
}
