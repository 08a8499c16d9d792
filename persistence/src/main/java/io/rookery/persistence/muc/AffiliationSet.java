package io.rookery.persistence.muc;

/**
 * §9-§10: the user with this bare JID now has this affiliation ("owner", "admin", "member", "outcast"; "none"
 * removes it), with the reason given (for bans) or null.
 */
public record AffiliationSet(String jid, String affiliation, String reason) implements RoomEvent {}
