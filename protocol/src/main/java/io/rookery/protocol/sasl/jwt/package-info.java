/**
 * Signed JWT checks for OAUTHBEARER logins: RFC 7519 claims in an RFC 7515 compact JWS, keys from an RFC 7517 JWK
 * set, following RFC 8725's advice (the server's algorithm list, never {@code none}, a key only with an algorithm of
 * its type). JDK crypto only, and a small strict JSON reader.
 *
 * <p>Not supported: JWE, PS256/384/512, EdDSA, {@code crit} extensions (refused), nested JWTs.
 */
package io.rookery.protocol.sasl.jwt;
