package io.rookery.persistence.muc;

/** The occupant under this nick left the room (or was removed from it). */
public record OccupantLeft(String nick) implements RoomEvent {}
