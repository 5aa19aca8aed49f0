import type { ComponentChildren } from 'preact';

const LINK = /\b(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'])/g;

/** Message text: plain text, with http(s) addresses as links (nothing else is interpreted). */
export function linkify(body: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const match of body.matchAll(LINK)) {
    const at = match.index;
    out.push(body.slice(last, at));
    out.push(
      <a href={match[0]} target="_blank" rel="noopener noreferrer nofollow">
        {match[0]}
      </a>,
    );
    last = at + match[0].length;
  }
  out.push(body.slice(last));
  return out;
}

/** Avatar: the picture when there is one (served by Parley), else the name's initial. */
export function Avatar({ name, url, base }: { name: string | null; url: string | null; base: string }) {
  if (url !== null) return <img class="avatar" src={new URL(url, `${base}/`).href} alt="" />;
  return (
    <span class="avatar" aria-hidden="true">
      {(name ?? '?').slice(0, 1).toUpperCase()}
    </span>
  );
}
