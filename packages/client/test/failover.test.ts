import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeServer } from './fakeServer';
import { connected, visitorClient } from './helpers';

/** Several nodes without a load balancer: `url` is a list, and a lost node sends the client to the next. */
describe('a list of node urls', () => {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => undefined)));
  });

  it('starts at the node chosen by random(), moves to the next when it goes away, and resends there', async () => {
    const a = await FakeServer.start();
    const b = await FakeServer.start();
    servers.push(a, b);
    // random() = 0.6 with two urls: the first attempt goes to the second one (b).
    const client = visitorClient(a, { url: [a.url, b.url], random: () => 0.6 });
    await connected(client);
    expect(b.openSockets()).toHaveLength(1);
    expect(a.openSockets()).toHaveLength(0);

    await b.stop();
    const { clientMsgId } = client.send('typed while b was going away');
    await vi.waitFor(() => expect(client.pending()).toHaveLength(0));
    // Acknowledged by a, the other node in the list.
    expect(a.framesOf('send').map((f) => f.clientMsgId)).toContain(clientMsgId);
    expect(a.openSockets()).toHaveLength(1);
    client.close();
  });

  it('refuses an empty list or one with a url that is not ws: or wss:', async () => {
    const a = await FakeServer.start();
    servers.push(a);
    expect(() => visitorClient(a, { url: [] })).toThrow(TypeError);
    expect(() => visitorClient(a, { url: [a.url, 'http://example.test/ws'] })).toThrow(TypeError);
  });
});
