/**
 * Persisted XEP-0357 push registrations: which app server push service, node and publish options each account
 * enabled, in the user's journal and snapshot; Kryo ids 560-569 ({@link io.rookery.persistence.push.PushEventsRegistrar}),
 * frozen by tests.
 */
package io.rookery.persistence.push;
