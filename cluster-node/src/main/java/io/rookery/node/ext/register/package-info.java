/**
 * XEP-0077 In-Band Registration 2.4: the stream feature, the server's disco feature, the form and account
 * creation before authentication, when {@code rookery.registration.enabled} is on.
 *
 * <p>Registrations are limited per connection (§3.1.1, not-acceptable), per client address and per node within
 * windows (resource-constraint, type wait): {@code rookery.modules.register}.
 *
 * <p>Not supported: changing the password or removing the account through the protocol (§3.2, §3.3), data forms
 * and CAPTCHAs.
 */
package io.rookery.node.ext.register;
