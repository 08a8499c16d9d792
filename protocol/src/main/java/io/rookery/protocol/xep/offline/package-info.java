/** XEP-0160 offline messages 1.0.1, delivered with a XEP-0203 Delayed Delivery 2.0 stamp. */
package io.rookery.protocol.xep.offline;
