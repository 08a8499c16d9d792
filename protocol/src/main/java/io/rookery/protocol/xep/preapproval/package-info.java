/** RFC 6121 §3.4 subscription pre-approval. */
package io.rookery.protocol.xep.preapproval;
