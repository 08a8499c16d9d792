/**
 * Streaming XML for XMPP (RFC 6120 §4 streams, §11 XML usage): an immutable element model, a writer and an
 * incremental parser over aalto-xml's async reader.
 *
 * <p>RFC 6120 §11.1 restricts the XML a peer may send: no comments, processing instructions (other than the XML
 * declaration), DTDs or internal subsets, and no entity references other than the five predefined ones. The parser
 * refuses all of them with a stream error.
 */
package io.rookery.protocol.xml;
