/** XEP-0202 Entity Time 2.0: the {@code <time xmlns='urn:xmpp:time'/>} query and its result. */
package io.rookery.protocol.xep.time;
