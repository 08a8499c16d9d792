/**
 * XEP-0388 Extensible SASL Profile 0.4.0 and XEP-0386 Bind 2 0.4.0: the module that offers them and switches them
 * on in the client stream's state machine (io.rookery.node.c2s.Sasl2Negotiation), where they share RFC 6120 SASL's
 * mechanisms, throttle and credential lookup. Not supported: XEP-0480 upgrade tasks and other {@code <continue/>}
 * tasks, the XEP-0313 {@code <metadata/>} in {@code <bound/>}.
 */
package io.rookery.node.ext.sasl2;
