/**
 * XEP-0198 Stream Management 1.6.3 for client streams: acks in both directions. Not yet: resumption (a
 * {@code <resume/>} is answered with feature-not-implemented and {@code <enabled/>} offers none).
 */
package io.rookery.node.ext.sm;
