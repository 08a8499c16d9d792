/**
 * XEP-0280 Message Carbons 1.0.1: the disco feature; copies are made by the user entity (io.rookery.node.user.Carbons).
 */
package io.rookery.node.ext.carbons;
