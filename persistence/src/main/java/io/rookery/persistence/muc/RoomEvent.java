package io.rookery.persistence.muc;

import io.rookery.persistence.kryo.KryoSerializable;

/** Something that happened to a XEP-0045 room, persisted in the room entity's journal. */
public interface RoomEvent extends KryoSerializable {}
