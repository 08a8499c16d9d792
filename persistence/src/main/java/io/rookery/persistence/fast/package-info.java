/**
 * XEP-0484 FAST tokens as an account keeps them: per client (a digest of its SASL2 user-agent id) at most two, the
 * one in use and a newer one not yet used (§5.1), each as the SHA-256 of the token (never the token), its mechanism
 * and expiry. Kryo ids 530-539.
 */
package io.rookery.persistence.fast;
