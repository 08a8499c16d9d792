/**
 * XEP-0160 Best Practices for Handling Offline Messages 1.0.1 and XEP-0203 Delayed Delivery 2.0: declared here; messages are stored and delivered by the user entity.
 */
package io.rookery.node.ext.offline;
