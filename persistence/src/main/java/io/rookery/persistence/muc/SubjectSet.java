package io.rookery.persistence.muc;

/** §8.1: the subject became this (empty: cleared), set by the occupant with this nick (null: by the room). */
public record SubjectSet(String subject, String nick) implements RoomEvent {}
