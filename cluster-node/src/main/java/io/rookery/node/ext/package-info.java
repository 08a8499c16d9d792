/**
 * The module contract: each XEP is a module ({@link XmppModule}) that declares, once per node, the iq it answers,
 * the disco and stream features it adds, its typed settings and the XEPs it implements ({@link Declarations}).
 * The core wires the modules named in {@code rookery.modules} ({@link Modules}) and dispatches to them; handlers
 * return what to reply, persist and route ({@link IqOutcome}) instead of sending it themselves, so a module is
 * tested without an actor system. Each module lives in its own leaf package, {@code ext.<name>}, with the same
 * leaf name in {@code protocol/…/xep/<name>} for its codec and {@code persistence/…/<name>} for its events.
 */
package io.rookery.node.ext;
