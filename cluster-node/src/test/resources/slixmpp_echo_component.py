"""An XEP-0114 external component written with slixmpp (Debian's python3-slixmpp), echoing messages.

Usage: slixmpp_echo_component.py HOST PORT DOMAIN SECRET USER_JID

Connects to the component port as DOMAIN with SECRET (slixmpp's ComponentXMPP: stream header, handshake). Once the
server accepts the handshake it prints "component connected" and, on its own initiative, sends USER_JID the chat
message "hello from DOMAIN". Every message with a body it then receives is answered from the address it was sent to
with "echo: BODY" (and printed as "echoed FROM BODY"). A message with the body "bye" ends it; so does a lost stream
("component disconnected") or 90 seconds.
"""
import asyncio
import os
import sys

from slixmpp.componentxmpp import ComponentXMPP

HOST, PORT, DOMAIN, SECRET, USER = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


class Echo(ComponentXMPP):
    def __init__(self):
        super().__init__(DOMAIN, SECRET, HOST, PORT)
        self.done = asyncio.Event()
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('disconnected', self.on_disconnected)

    def on_start(self, _):
        print('component connected', flush=True)
        self.send_message(mto=USER, mfrom=DOMAIN, mbody='hello from ' + DOMAIN, mtype='chat')

    def on_message(self, msg):
        body = msg['body']
        if not body:
            return
        if body == 'bye':
            self.done.set()
            return
        msg.reply('echo: ' + body).send()
        print('echoed %s %s' % (msg['from'], body), flush=True)

    def on_disconnected(self, _):
        print('component disconnected', flush=True)
        self.done.set()


async def main():
    echo = Echo()
    echo.connect()
    await echo.done.wait()
    echo.disconnect()


code = 1
try:
    asyncio.get_event_loop().run_until_complete(asyncio.wait_for(main(), 90))
    code = 0
except asyncio.TimeoutError:
    print('component timed out', flush=True)
sys.stdout.flush()
os._exit(code)
