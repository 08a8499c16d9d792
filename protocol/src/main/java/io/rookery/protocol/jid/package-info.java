/**
 * XMPP addresses per RFC 7622 ("Extensible Messaging and Presence Protocol (XMPP): Address Format").
 *
 * <p>Localparts use the PRECIS UsernameCaseMapped profile and resourceparts the OpaqueString profile (RFC 8265,
 * via rocks.xmpp precis). Domainparts go through {@link java.net.IDN}, which implements IDNA2003 rather than the
 * IDNA2008 that RFC 7622 cites; the visible differences: {@code ß} and final sigma are mapped ({@code ß → ss}),
 * and code points unassigned in Unicode 3.2 are refused in domain names. Non-ASCII labels must in addition pass
 * the PRECIS IdentifierClass, which keeps out symbols that IDNA2003 still allowed.
 */
package io.rookery.protocol.jid;
