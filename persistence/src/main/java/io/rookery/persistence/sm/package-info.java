/**
 * XEP-0198 stream management: what a resumable stream keeps in Cassandra ({@link io.rookery.persistence.sm.StreamOutbox},
 * table {@code sm_streams}) so that it can be resumed, or its unacknowledged messages delivered elsewhere, after the
 * node that held it died.
 */
package io.rookery.persistence.sm;
