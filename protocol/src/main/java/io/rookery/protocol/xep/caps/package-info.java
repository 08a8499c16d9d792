/** XEP-0115 Entity Capabilities 1.6.0: the verification string (§5.1) and the {@code <c/>} element (§4). */
package io.rookery.protocol.xep.caps;
