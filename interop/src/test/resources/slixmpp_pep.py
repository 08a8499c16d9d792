"""Personal eventing with slixmpp: an avatar (XEP-0084) and a bookmark (XEP-0402) published or read back.

Usage: slixmpp_pep.py HOST PORT CA_PEM JID PASSWORD publish|read

publish: logs in over STARTTLS (the certificate checked against CA_PEM), publishes an avatar's data and metadata
with slixmpp's XEP-0084 plugin, then a XEP-0402 bookmark with the XEP's publish options, through slixmpp's
XEP-0060 plugin. read: logs in and prints what the account's nodes hold: "avatar-metadata id=... bytes=... type=...",
"avatar-data sha1=...", "bookmark JID name=... autojoin=... nick=...". Every step prints "step NAME ok" or
"step NAME failed: WHY" (then exit 1). It gives up after 60 seconds.
"""
import asyncio
import hashlib
import os
import sys
import xml.etree.ElementTree as ET

import slixmpp
from slixmpp.plugins.xep_0004 import Form

HOST, PORT, CA_PEM, JID, PASSWORD, MODE = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]
STEP_TIMEOUT = 20
AVATAR = b'\x89PNG\r\n\x1a\n' + b'rookery avatar from slixmpp' * 8
BOOKMARKS = 'urn:xmpp:bookmarks:1'
ROOM = 'slixroom@conference.localhost'


class StepFailed(Exception):
    pass


class Client(slixmpp.ClientXMPP):
    def __init__(self):
        super().__init__(JID, PASSWORD)
        self.ca_certs = CA_PEM
        self.started = asyncio.Event()
        self.failed = None
        for plugin in ('xep_0030', 'xep_0060', 'xep_0163', 'xep_0084'):
            self.register_plugin(plugin)
        self.add_event_handler('session_start', self.on_start)
        self.add_event_handler('failed_auth', lambda _: self.fail('authentication failed'))
        self.add_event_handler('connection_failed', lambda e: self.fail('connection failed: %s' % e))

    def fail(self, why):
        self.failed = why
        self.started.set()

    async def on_start(self, _):
        self.send_presence()
        self.started.set()


async def step(name, coro):
    try:
        result = await asyncio.wait_for(coro, STEP_TIMEOUT)
    except Exception as e:  # noqa: BLE001 - any failure ends the script with its reason
        print('step %s failed: %r' % (name, e), flush=True)
        raise StepFailed(name) from e
    print('step %s ok' % name, flush=True)
    return result


async def login(client):
    client.connect(address=(HOST, PORT), force_starttls=True)
    await client.started.wait()
    if client.failed:
        raise RuntimeError(client.failed)


def options(fields):
    form = Form()
    form['type'] = 'submit'
    form.add_field(var='FORM_TYPE', ftype='hidden', value='http://jabber.org/protocol/pubsub#publish-options')
    for var, value in fields.items():
        form.add_field(var=var, value=value)
    return form


async def publish(c):
    avatar_id = hashlib.sha1(AVATAR).hexdigest()
    await step('publish-avatar-data', c['xep_0084'].publish_avatar(AVATAR))
    # The metadata element written out: slixmpp 1.8's publish_avatar_metadata fails to serialize its own stanza.
    metadata = ET.Element('{urn:xmpp:avatar:metadata}metadata')
    ET.SubElement(metadata, '{urn:xmpp:avatar:metadata}info', id=avatar_id, type='image/png',
                  bytes=str(len(AVATAR)), height='32', width='32')
    await step('publish-avatar-metadata', c['xep_0060'].publish(
        c.boundjid.bare, 'urn:xmpp:avatar:metadata', id=avatar_id, payload=metadata))
    conference = ET.Element('{%s}conference' % BOOKMARKS, name='Slix Room', autojoin='true')
    ET.SubElement(conference, '{%s}nick' % BOOKMARKS).text = 'slix'
    await step('publish-bookmark', c['xep_0060'].publish(
        c.boundjid.bare, BOOKMARKS, id=ROOM, payload=conference,
        options=options({'pubsub#persist_items': 'true', 'pubsub#max_items': 'max',
                         'pubsub#send_last_published_item': 'never', 'pubsub#access_model': 'whitelist'})))


async def read(c):
    bare = c.boundjid.bare
    meta = await step('read-avatar-metadata', c['xep_0060'].get_items(bare, 'urn:xmpp:avatar:metadata'))
    for item in meta['pubsub']['items']:
        for info in item.xml.iter('{urn:xmpp:avatar:metadata}info'):
            print('avatar-metadata id=%s bytes=%s type=%s' % (info.get('id'), info.get('bytes'), info.get('type')),
                  flush=True)
            data = await step('read-avatar-data', c['xep_0084'].retrieve_avatar(bare, info.get('id')))
            for d in data['pubsub']['items']:
                for value in d.xml.iter('{urn:xmpp:avatar:data}data'):
                    import base64
                    raw = base64.b64decode(''.join((value.text or '').split()))
                    print('avatar-data sha1=%s' % hashlib.sha1(raw).hexdigest(), flush=True)
    marks = await step('read-bookmarks', c['xep_0060'].get_items(bare, BOOKMARKS))
    for item in marks['pubsub']['items']:
        for conf in item.xml.iter('{%s}conference' % BOOKMARKS):
            nick = conf.find('{%s}nick' % BOOKMARKS)
            print('bookmark %s name=%s autojoin=%s nick=%s' % (item['id'], conf.get('name'), conf.get('autojoin'),
                                                                nick.text if nick is not None else ''), flush=True)


async def main():
    c = Client()
    await step('login', login(c))
    if MODE == 'publish':
        await publish(c)
    else:
        await read(c)
    c.disconnect()
    print('script complete', flush=True)


code = 1
try:
    asyncio.get_event_loop().run_until_complete(asyncio.wait_for(main(), 60))
    code = 0
except asyncio.TimeoutError:
    print('script timed out', flush=True)
except StepFailed:
    pass
sys.stdout.flush()
# Without the interpreter's teardown: slixmpp 1.8 can crash in it while a TLS transport is still open.
os._exit(code)
