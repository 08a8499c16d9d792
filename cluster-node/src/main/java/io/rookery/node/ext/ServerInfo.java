package io.rookery.node.ext;

import io.rookery.protocol.xep.disco.Disco;
import java.util.List;

/**
 * What all enabled modules declared together, for the modules that publish it (disco, caps). Complete once every
 * module has declared, so read it when handling, not while declaring.
 */
public interface ServerInfo {
    List<Disco.Identity> identities(Discoverable entity);

    /** The features of the entity, sorted and without duplicates. */
    List<String> discoFeatures(Discoverable entity);

    /** The XEP-0030 nodes the enabled modules publish on the server, in module order. */
    List<DiscoNodes> discoNodes();

    /** The services the enabled modules run on subdomains (XEP-0030 items of the server), in module order. */
    List<Declarations.DeclaredService> services();

    /** The nodes modules host at accounts (XEP-0163), in module order. */
    default List<AccountNodes> accountNodes() {
        return List.of();
    }
}
