package io.rookery.persistence.muc;

/** §7.10: the user with this bare JID registered this nick in the room (null: cancelled the registration). */
public record NickRegistered(String jid, String nick) implements RoomEvent {}
