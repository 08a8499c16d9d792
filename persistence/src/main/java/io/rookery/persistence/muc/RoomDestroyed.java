package io.rookery.persistence.muc;

/** §10.9: an owner destroyed the room, naming an alternate venue (or null) and a reason (or null). */
public record RoomDestroyed(String alternate, String reason) implements RoomEvent {}
