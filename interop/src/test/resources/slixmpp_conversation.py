"""A conversation between two slixmpp clients through one server, as a user's first session would go.

Usage: slixmpp_conversation.py HOST PORT CA_PEM ALICE_JID BOB_JID PASSWORD

Both log in over STARTTLS (the server's certificate checked against CA_PEM and the JIDs' domain), fetch their
rosters and send presence; Alice names Bob in her roster and asks for his presence, Bob's client approves and asks
back; each sees the other available; a chat message goes each way. Every step prints "step NAME ok"; the first that
fails prints "step NAME failed: WHY" and the script exits 1. It gives up after 60 seconds.
"""
import asyncio
import os
import sys

import slixmpp

HOST, PORT, CA_PEM, ALICE, BOB, PASSWORD = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]
STEP_TIMEOUT = 20


class StepFailed(Exception):
    pass


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid):
        super().__init__(jid, PASSWORD)
        self.ca_certs = CA_PEM
        self.started = asyncio.Event()
        self.failed = None
        self.inbox = asyncio.Queue()
        self.online = {}
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('failed_auth', lambda _: self.fail('authentication failed'))
        self.add_event_handler('connection_failed', lambda e: self.fail('connection failed: %s' % e))
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('got_online', self.on_online)

    def fail(self, why):
        self.failed = why
        self.started.set()

    async def on_start(self, _):
        await self.get_roster()
        self.send_presence()
        self.started.set()

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal'):
            self.inbox.put_nowait(msg)

    def on_online(self, presence):
        bare = presence['from'].bare
        self.online.setdefault(bare, asyncio.Event()).set()

    def seen_online(self, bare):
        return self.online.setdefault(bare, asyncio.Event())


async def step(name, coro):
    try:
        result = await asyncio.wait_for(coro, STEP_TIMEOUT)
    except Exception as e:  # noqa: BLE001 - any failure ends the conversation with its reason
        print('step %s failed: %r' % (name, e), flush=True)
        raise StepFailed(name) from e
    print('step %s ok' % name, flush=True)
    return result


async def login(client):
    client.connect(address=(HOST, PORT), force_starttls=True)
    await client.started.wait()
    if client.failed:
        raise RuntimeError(client.failed)
    if not client.is_connected():
        raise RuntimeError('not connected')


async def receive(client, sender, body):
    msg = await client.inbox.get()
    if msg['body'] != body or msg['from'].bare != sender:
        raise RuntimeError('unexpected message %s' % msg)


async def main():
    alice, bob = Client(ALICE), Client(BOB)
    bob.auto_authorize = True   # approve Alice's request
    bob.auto_subscribe = True   # and ask for her presence in return
    alice.auto_authorize = True
    await step('login-alice', login(alice))
    await step('login-bob', login(bob))

    await step('roster-set', alice.update_roster(BOB, name='Bob', subscription='none'))
    await step('roster-get', alice.get_roster())
    if alice.client_roster[BOB]['name'] != 'Bob':
        print('step roster-name failed: %r' % alice.client_roster[BOB]['name'], flush=True)
        raise StepFailed('roster-name')
    print('step roster-name ok', flush=True)

    alice.send_presence_subscription(pto=BOB)
    await step('alice-sees-bob', alice.seen_online(BOB).wait())
    await step('bob-sees-alice', bob.seen_online(ALICE).wait())

    alice.send_message(mto=BOB, mbody='hello bob', mtype='chat')
    await step('bob-receives', receive(bob, ALICE, 'hello bob'))
    bob.send_message(mto=ALICE, mbody='hello alice', mtype='chat')
    await step('alice-receives', receive(alice, BOB, 'hello alice'))

    alice.disconnect()
    bob.disconnect()
    print('conversation complete', flush=True)


code = 1
try:
    asyncio.get_event_loop().run_until_complete(asyncio.wait_for(main(), 60))
    code = 0
except asyncio.TimeoutError:
    print('conversation timed out', flush=True)
except StepFailed:
    pass
sys.stdout.flush()
# Without the interpreter's teardown: slixmpp 1.8 can crash in it while a TLS transport is still open.
os._exit(code)
