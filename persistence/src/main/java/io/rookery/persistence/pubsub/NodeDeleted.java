package io.rookery.persistence.pubsub;

/** §8.4: the node was deleted, with its configuration, affiliations and subscriptions (its items are purged). */
public record NodeDeleted() implements NodeEvent {}
