/** XEP-0030 Service Discovery 2.5rc3: disco#info and disco#items queries and the info result's layout. */
package io.rookery.protocol.xep.disco;
