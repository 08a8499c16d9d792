package io.rookery.persistence.pubsub;

import io.rookery.persistence.kryo.KryoSerializable;

/** Something that happened to a node of the XEP-0060 service, persisted in the node entity's journal. */
public interface NodeEvent extends KryoSerializable {}
