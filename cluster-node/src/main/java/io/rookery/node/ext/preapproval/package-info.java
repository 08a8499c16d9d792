/**
 * RFC 6121 §3.4 subscription pre-approval: the stream feature; pre-approvals are kept by the user entity (io.rookery.node.user.Contacts).
 */
package io.rookery.node.ext.preapproval;
