/** Profile photos: images only (by their bytes), resized to squares without metadata, served safely. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Agent, WidgetConfig } from '@parley/protocol';
import { createAgent, createVisitor, http, useTestServer, type AgentSession } from './helpers';

const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-avatars-'));
const t = useTestServer({ filesDir });

function upload(agent: AgentSession | null, bytes: Buffer, contentType = 'image/png') {
  return http<{ agent: Agent }>(t.server, 'POST', '/api/v1/me/avatar', {
    ...(agent && { agent }),
    headers: { 'content-type': contentType },
    rawBody: new Uint8Array(bytes),
  });
}

/** A 640×400 photo with an EXIF block (camera and a comment), as phones produce them. */
async function photo(): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 400, channels: 3, background: '#3366cc' } })
    .composite([
      {
        input: await sharp({ create: { width: 200, height: 400, channels: 3, background: '#ffcc00' } })
          .png()
          .toBuffer(),
        left: 0,
        top: 0,
      },
    ])
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneCorp', ImageDescription: 'at home, 47.49N 19.04E' } })
    .toBuffer();
}

const avatarFiles = () => fs.readdirSync(filesDir).filter((f) => f.startsWith('avatar-'));

describe('profile photo', () => {
  it('is cropped to 128 and 256 px WebP squares, metadata dropped, served with safe headers', async () => {
    const a = await createAgent(t.server, t.owner, { name: 'Pia Photo' });
    const input = await photo();
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const r = await upload(a, input, 'application/octet-stream');
    expect(r.status).toBe(200);
    const url = r.body.agent.avatarUrl ?? '';
    expect(url).toMatch(new RegExp(`^/avatars/${a.agentId}/[A-Za-z0-9_-]+/256\\.webp$`));

    const big = await fetch(t.server.url + url);
    expect(big.status).toBe(200);
    expect(big.headers.get('content-type')).toBe('image/webp');
    expect(big.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(big.headers.get('x-content-type-options')).toBe('nosniff');
    expect(big.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(big.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    const meta = await sharp(Buffer.from(await big.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(meta.exif).toBeUndefined();
    const small = await fetch(t.server.url + url.replace(/256\.webp$/, '128.webp'));
    expect(await sharp(Buffer.from(await small.arrayBuffer())).metadata()).toMatchObject({
      width: 128,
      height: 128,
    });
    expect((await fetch(t.server.url + url.replace(/256\.webp$/, '512.webp'))).status).toBe(400);

    // Everyone who shows agents gets it: colleagues, the session, the widget.
    const session = await http<{ agent: Agent }>(t.server, 'GET', '/api/v1/auth/session', { agent: a });
    expect(session.body.agent.avatarUrl).toBe(url);
    const list = await http<{ agents: Agent[] }>(t.server, 'GET', '/api/v1/agents', { agent: t.owner });
    expect(list.body.agents.find((x) => x.id === a.agentId)?.avatarUrl).toBe(url);
    const config = await http<WidgetConfig>(
      t.server,
      'GET',
      `/api/v1/widget/config?site=${t.server.siteKey}`,
    );
    expect(config.body.agents).toContainEqual({ name: 'Pia Photo', avatarUrl: url });
  });

  it('a new photo replaces the old one (old URL gone, old files removed); removal clears it', async () => {
    const a = await createAgent(t.server, t.owner);
    const first = (await upload(a, await photo())).body.agent.avatarUrl ?? '';
    const filesAfterFirst = avatarFiles();
    const png = await sharp({ create: { width: 50, height: 80, channels: 4, background: '#00000000' } })
      .png()
      .toBuffer();
    const second = (await upload(a, png)).body.agent.avatarUrl ?? '';
    expect(second).not.toBe(first);
    expect((await fetch(t.server.url + first)).status).toBe(404);
    expect((await fetch(t.server.url + second)).status).toBe(200);
    const oldKey = first.split('/')[3] ?? '';
    expect(filesAfterFirst.filter((f) => f.includes(oldKey))).toHaveLength(2);
    expect(avatarFiles().filter((f) => f.includes(oldKey))).toEqual([]);

    const removed = await http<{ agent: Agent }>(t.server, 'DELETE', '/api/v1/me/avatar', { agent: a });
    expect(removed.body.agent.avatarUrl).toBeNull();
    expect((await fetch(t.server.url + second)).status).toBe(404);
    expect(avatarFiles().filter((f) => f.includes(second.split('/')[3] ?? ''))).toEqual([]);
  });

  it('refuses what is not an image, damaged images, empty and oversized bodies, and strangers', async () => {
    const a = await createAgent(t.server, t.owner);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect(await upload(a, svg, 'image/svg+xml')).toMatchObject({
      status: 415,
      body: { error: { code: 'unsupported_media_type' } },
    });
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
    expect((await upload(a, pdf)).status).toBe(415);
    const truncated = (await photo()).subarray(0, 600);
    expect(await upload(a, truncated, 'image/jpeg')).toMatchObject({
      status: 422,
      body: { error: { code: 'validation_failed' } },
    });
    expect((await upload(a, Buffer.alloc(0))).status).toBe(400);
    expect(await upload(a, Buffer.alloc(6 * 1024 * 1024, 1))).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
    expect((await upload(null, await photo())).status).toBe(401);
    const noCsrf = await http(t.server, 'POST', '/api/v1/me/avatar', {
      headers: { cookie: a.cookie, 'content-type': 'image/jpeg' },
      rawBody: new Uint8Array(await photo()),
    });
    expect(noCsrf.status).toBe(403);
    const me = await http<{ agent: Agent }>(t.server, 'GET', '/api/v1/auth/session', { agent: a });
    expect(me.body.agent.avatarUrl).toBeNull();
    // A visitor token is no agent session.
    const v = await createVisitor(t.server, t.server.siteKey);
    expect(
      (
        await http(t.server, 'POST', '/api/v1/me/avatar', {
          visitorToken: v.token,
          rawBody: new Uint8Array(await photo()),
        })
      ).status,
    ).toBe(401);
    expect((await fetch(`${t.server.url}/avatars/${a.agentId}/..%2F..%2Fetc/256.webp`)).status).toBe(400);
    expect((await fetch(`${t.server.url}/avatars/${a.agentId}/nokey/256.webp`)).status).toBe(404);
  });
});
