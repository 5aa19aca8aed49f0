/**
 * Child process of the idle-connections scenario: holds many authenticated visitor sockets from one
 * source address (a process may hold 20,000 descriptors; one address has ~28k ephemeral ports).
 * Input (env): IDLE_URL, IDLE_TOKENS (JSON file of {siteKey, token}), IDLE_FROM (source address).
 * Prints `ready <sockets> <ms>` once every socket is welcomed, then waits to be killed.
 */
import fs from 'node:fs';
import { nextFrame, openPeer, pool, type Peer } from './peers';

const url = process.env.IDLE_URL ?? '';
const from = process.env.IDLE_FROM ?? '127.0.0.1';
const visitors = JSON.parse(fs.readFileSync(process.env.IDLE_TOKENS ?? '', 'utf8')) as {
  siteKey: string;
  token: string;
}[];

const held: Peer[] = [];
const t0 = performance.now();
await pool(visitors, 200, async (v) => {
  const peer = await openPeer('ws', url, { localAddress: from });
  const welcome = nextFrame(peer, 'welcome', 60_000);
  peer.send({ t: 'hello', v: 1, role: 'visitor', siteKey: v.siteKey, token: v.token });
  await welcome;
  held.push(peer);
});
process.stdout.write(`ready ${held.length} ${Math.round(performance.now() - t0)}\n`);
// The parent measures, then kills this process; stop anyway after 10 minutes.
setTimeout(() => process.exit(0), 600_000).unref();
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
