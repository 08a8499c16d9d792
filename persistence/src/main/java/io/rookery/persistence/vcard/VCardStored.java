package io.rookery.persistence.vcard;

import io.rookery.persistence.user.UserEvent;

/** The user's vCard element (serialized XML) replaces the previous one; null means the user has none any more. */
public record VCardStored(String vcardXml) implements UserEvent {
}
