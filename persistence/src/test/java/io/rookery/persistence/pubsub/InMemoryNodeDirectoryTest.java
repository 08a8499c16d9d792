package io.rookery.persistence.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap directory keeps the contract the Cassandra one keeps (PubSubServiceIT runs the latter). */
class InMemoryNodeDirectoryTest {
    private final NodeDirectory directory = new InMemoryNodeDirectory();

    private List<String> names(String after, int limit) {
        return directory.list("pubsub.localhost", after, limit).toCompletableFuture().join().stream()
                .map(NodeDirectory.Listed::node).toList();
    }

    @Test
    void nodesAreListedByNameAPageAfterAnotherAndCountedUpToALimit() {
        for (String n : List.of("c", "a", "b", "d")) directory.put("pubsub.localhost", n, "title " + n);
        directory.put("other.localhost", "z", null);
        assertEquals(List.of("a", "b"), names(null, 2));
        assertEquals(List.of("c", "d"), names("b", 10));
        assertEquals(4, directory.count("pubsub.localhost", 10).toCompletableFuture().join());
        assertEquals(3, directory.count("pubsub.localhost", 3).toCompletableFuture().join());
        directory.remove("pubsub.localhost", "b");
        assertEquals(List.of("a", "c", "d"), names(null, 10));
        assertEquals(new NodeDirectory.Listed("a", "title a"),
                directory.list("pubsub.localhost", null, 1).toCompletableFuture().join().get(0));
    }
}
