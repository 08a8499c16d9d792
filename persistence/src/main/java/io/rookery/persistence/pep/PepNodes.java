package io.rookery.persistence.pep;

import io.rookery.persistence.kryo.KryoSerializable;
import java.util.List;

/** The PEP module's part of a user snapshot: each node's configuration and affiliations. */
public record PepNodes(List<PepNodeConfigured> nodes, List<PepAffiliationsSet> affiliations)
        implements KryoSerializable {
    public PepNodes {
        nodes = List.copyOf(nodes);
        affiliations = List.copyOf(affiliations);
    }
}
