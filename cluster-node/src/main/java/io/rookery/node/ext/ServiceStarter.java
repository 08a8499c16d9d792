package io.rookery.node.ext;

/**
 * Starts a module's {@link Service} once the node runs (its actor system, sharding and router exist), before the
 * client listeners open. A service usually initialises its sharded entities here.
 */
@FunctionalInterface
public interface ServiceStarter {
    Service start(ServiceContext context);
}
