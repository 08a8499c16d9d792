/**
 * XEP-0313 message archive: the archive itself ({@link io.rookery.persistence.mam.ArchiveStore}, table
 * {@code mam_messages}) and the account's archiving preferences ({@link io.rookery.persistence.mam.ArchivePrefs}).
 */
package io.rookery.persistence.mam;
