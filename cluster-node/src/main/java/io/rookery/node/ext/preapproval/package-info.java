/**
 * RFC 6121 §3.4 subscription pre-approval: the stream feature, and the switch that turns pre-approval on in the
 * core's subscription state machine (io.rookery.node.user.Contacts, whose roster items carry 'approved').
 */
package io.rookery.node.ext.preapproval;
