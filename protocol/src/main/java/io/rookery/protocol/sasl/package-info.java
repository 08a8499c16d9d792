/**
 * Server-side SASL for XMPP (RFC 6120 §6): SCRAM-SHA-1 and SCRAM-SHA-1-PLUS (RFC 5802), SCRAM-SHA-256 and
 * SCRAM-SHA-256-PLUS (RFC 7677), SCRAM-SHA-512 and SCRAM-SHA-512-PLUS (the same construction with SHA-512), with
 * tls-server-end-point channel binding only (RFC 5929 §4), and PLAIN (RFC 4616) checked against stored SCRAM keys.
 * Passwords and user names are SASLprepped (RFC 4013). OAUTHBEARER (RFC 7628), and PLAIN checked by the platform
 * that owns the accounts, ask the server to verify through {@link io.rookery.protocol.sasl.SaslStep.NeedVerification}.
 *
 * <p>Not supported: the tls-unique and tls-exporter channel bindings, SCRAM's 'm' extension (refused as RFC 5802
 * requires), authorization identities other than the authentication identity itself (invalid-authzid).
 */
package io.rookery.protocol.sasl;
