/**
 * XEP-0049 Private XML Storage 1.2: declared here; elements are stored by the user entity (io.rookery.node.user.PrivateXml).
 */
package io.rookery.node.ext.privatexml;
