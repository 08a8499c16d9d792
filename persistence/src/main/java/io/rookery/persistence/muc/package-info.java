/**
 * XEP-0045 rooms as persisted: each room's journal (its creation, configuration, affiliations, subject and
 * destruction) and its snapshot. Occupants and discussion history are not here: occupants live in the room's memory,
 * and history is read back from the room's XEP-0313 archive. Kryo ids 400-419, frozen by {@code MucEventsFrozenBytesTest}.
 */
package io.rookery.persistence.muc;
