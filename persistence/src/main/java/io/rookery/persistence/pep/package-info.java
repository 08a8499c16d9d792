/**
 * Persisted XEP-0163 personal nodes: each account's nodes and their configuration, in the user's journal and
 * snapshot (the items are in {@link io.rookery.persistence.pubsub.ItemStore}). and the XEP-0398
 * avatar hash; Kryo ids 450-459
 * ({@link io.rookery.persistence.pep.PepEventsRegistrar}), frozen by tests.
 */
package io.rookery.persistence.pep;
