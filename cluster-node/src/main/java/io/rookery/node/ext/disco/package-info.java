/**
 * XEP-0030 Service Discovery 2.5rc3: disco#info of the server and of every account, built from the identities and
 * features all enabled modules declare; disco#items of both, empty.
 */
package io.rookery.node.ext.disco;
