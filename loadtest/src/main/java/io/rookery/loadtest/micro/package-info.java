/**
 * JMH benchmarks of the protocol module's hot paths, as a server uses them for every stanza or login: the streaming
 * parser on a client's chat traffic, the writer on an outbound chat message, {@code Jid.parse}, and the server side
 * of a SCRAM-SHA-256 exchange. Run them with {@code loadtest/jmh} (short settings by default); the figures are in
 * {@code docs/benchmarks.md}.
 */
package io.rookery.loadtest.micro;
