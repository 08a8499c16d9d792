package io.rookery.persistence.mam;

import io.rookery.persistence.user.UserEvent;

/** The user set their archiving preferences (XEP-0313 §5.2); they replace the previous ones whole. */
public record ArchivePrefsSet(ArchivePrefs prefs) implements UserEvent {}
