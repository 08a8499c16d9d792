/**
 * What a user's persistent entity stores: past-tense events and the snapshot, with their Kryo ids
 * ({@link io.rookery.persistence.user.UserEventsRegistrar} and {@link io.rookery.persistence.user.ImEventsRegistrar},
 * ids 100-199). The account events live here; the events of each instant-messaging feature live in that feature's
 * package ({@code roster}, {@code offline}, {@code blocking}, {@code vcard}, {@code privatexml}) and are registered
 * here.
 *
 * <p>Everything here is read back from disk for as long as the data lives, so:
 * <ul>
 *   <li>ids are append-only: never reuse, renumber or remove one;</li>
 *   <li>the byte layout of a registered class never changes (each has a frozen-bytes test);</li>
 *   <li>a changed event is a new class with a new id. The old one stays, renamed if its name is wanted (ids, not
 *       names, are written, e.g. {@code AccountCreated} becomes {@code AccountCreatedV1}), and the entity keeps
 *       handling it on recovery.</li>
 * </ul>
 * Credentials are SCRAM keys (RFC 5802 §3), never passwords.
 */
package io.rookery.persistence.user;
