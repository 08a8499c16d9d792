package io.rookery.persistence.muc;

/**
 * An occupant is in the room under this nick (entered, or its role changed): its real full JID, the session that
 * holds its stream (an actor path with address and uid, or null when unknown) and its role. Kept so that a room
 * moved to another node, or restarted after its node died, still has the occupants whose sessions are alive.
 */
public record OccupantEntered(String nick, String jid, String session, String role) implements RoomEvent {}
