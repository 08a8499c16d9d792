package io.rookery.node.health;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/** pekko-management readiness check (configured in reference.conf): see {@link NodeHealth#ready()}. */
public final class ReadinessCheck implements Supplier<CompletionStage<Boolean>> {
    private final NodeHealth health;

    public ReadinessCheck(ActorSystem system) {
        this.health = NodeHealth.get(Adapter.toTyped(system));
    }

    @Override
    public CompletionStage<Boolean> get() {
        return health.ready();
    }
}
