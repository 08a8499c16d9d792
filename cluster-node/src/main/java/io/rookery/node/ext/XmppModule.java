package io.rookery.node.ext;

/**
 * One XEP (or a closely tied few) as the core sees it. A module has a public no-argument constructor and is named in
 * configuration, {@code rookery.modules.<name> { class = "…", enabled = on }}, beside its own settings; the core
 * calls {@link #declare} once when the node starts, then dispatches to what was declared.
 */
public interface XmppModule {
    /** Records what this module handles and offers; reads its settings from {@link ModuleContext#config()}. */
    void declare(ModuleContext context, Declarations declarations);
}
