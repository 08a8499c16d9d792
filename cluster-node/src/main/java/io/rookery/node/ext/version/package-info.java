/** XEP-0092 Software Version 1.1: the server's name, version and (unless hidden) operating system. */
package io.rookery.node.ext.version;
