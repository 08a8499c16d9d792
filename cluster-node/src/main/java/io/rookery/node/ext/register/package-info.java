/**
 * XEP-0077 In-Band Registration 2.4: the stream feature, the server's disco feature, the form and account
 * creation before authentication, when {@code rookery.registration.enabled} is on.
 *
 * <p>Not supported: changing the password or removing the account through the protocol (§3.2, §3.3), data forms
 * and CAPTCHAs, and a rate limit on registrations (the listener's own limits apply).
 */
package io.rookery.node.ext.register;
