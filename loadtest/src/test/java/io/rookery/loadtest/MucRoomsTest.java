package io.rookery.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who is in which room, who creates it, who sends its messages. */
class MucRoomsTest {

    @Test
    void everyRoomGetsRoomSizeUsersSpreadOverEveryHost() {
        for (int hosts = 1; hosts <= 4; hosts++) {
            for (int size : new int[] {1, 2, 3, 4, 6, 10}) {
                for (int roomCount : new int[] {1, 2, 3, 6, 7}) {
                    Options o = Options.parse("--scenario=muc", "--rate=1", "--users=" + size * roomCount,
                            "--room-size=" + size, "--first=1");
                    MucRooms rooms = new MucRooms(o);
                    int[] members = new int[roomCount];
                    @SuppressWarnings("unchecked")
                    Set<Integer>[] hostsOf = new Set[roomCount];
                    for (int r = 0; r < roomCount; r++) hostsOf[r] = new HashSet<>();
                    for (int j = 0; j < o.users; j++) {
                        int r = rooms.room(j);
                        members[r]++;
                        hostsOf[r].add(Math.floorMod(o.first + j, hosts)); // Engine.address: user index mod n
                    }
                    for (int r = 0; r < roomCount; r++) {
                        String what = hosts + " hosts, " + roomCount + " rooms of " + size + ", room " + r;
                        assertEquals(size, members[r], what);
                        assertEquals(Math.min(size, hosts), hostsOf[r].size(), what);
                    }
                }
            }
        }
    }

    @Test
    void theFirstUserOnlineCreatesAndOccupantsSendInTurn() {
        MucRooms rooms = new MucRooms(Options.parse("--scenario=muc", "--rate=1", "--users=9", "--room-size=3",
                "--room-prefix=Big", "--muc-service=MUC.example"));
        assertEquals("big1@muc.example", rooms.jid(0));
        assertTrue(rooms.isFrom(0, "Big1@MUC.example/load1"));
        assertTrue(rooms.isFrom(0, "big1@muc.example"));
        assertFalse(rooms.isFrom(0, "big10@muc.example/x"));
        assertFalse(rooms.isFrom(1, "big1@muc.example/x"));
        // Room 0: users 1 and 2 online; room 1: nobody; room 2: user 8 only.
        for (int offset : new int[] {1, 2, 8}) rooms.markOnline(offset);
        assertEquals(2, rooms.chooseCreators());
        assertTrue(rooms.isCreator(1));
        assertFalse(rooms.isCreator(2));
        assertTrue(rooms.isCreator(8));
        assertEquals(MucRooms.FAILED, rooms.state(1));
        assertEquals(2, rooms.unsettled());
        assertTrue(rooms.ready(0));
        assertFalse(rooms.fail(0), "settled once");
        assertEquals(1, rooms.failPending());
        assertEquals(0, rooms.unsettled());
        assertEquals(1, rooms.readyCount());
        assertEquals(2, rooms.failedCount());

        assertEquals(-1, rooms.sender(0, 0), "nobody in the room yet");
        rooms.joined(1);
        rooms.joined(2);
        rooms.joined(2);
        assertEquals(2, rooms.occupants(0));
        assertEquals(1, rooms.sender(0, 0), "slot 0 is not in the room: the next one sends");
        assertEquals(1, rooms.sender(0, 1));
        assertEquals(2, rooms.sender(0, 2));
        assertEquals(1, rooms.sender(0, 3));
        rooms.left(1);
        rooms.left(1);
        assertEquals(1, rooms.occupants(0));
        assertEquals(2, rooms.sender(0, 1));
    }
}
