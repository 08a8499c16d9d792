/**
 * XEP-0237 Roster Versioning 1.3: the stream feature, and the switch that turns versions on in the core's roster
 * (io.rookery.node.user.Contacts, whose events carry them).
 */
package io.rookery.node.ext.rosterver;
