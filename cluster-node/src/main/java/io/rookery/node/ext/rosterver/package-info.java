/**
 * XEP-0237 Roster Versioning 1.3: the stream feature; versions are kept by the user entity (io.rookery.node.user.Contacts).
 */
package io.rookery.node.ext.rosterver;
