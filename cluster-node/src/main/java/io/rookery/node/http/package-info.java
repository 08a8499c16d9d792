/**
 * What the node's own HTTP servers (Prometheus metrics, admin API) share: pekko-http bindings with idle and request
 * timeouts and a connection cap from their settings, and requests refused with 503, counted and logged.
 */
package io.rookery.node.http;
