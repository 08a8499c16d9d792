package io.rookery.persistence.muc;

/** §10.1: the room was created by the user with this bare JID, its first owner. */
public record RoomCreated(String owner) implements RoomEvent {}
