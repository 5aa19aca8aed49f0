import { segments } from '../../lib/richText';

/** Message text as text nodes, with http(s) and mailto addresses as links; never HTML. */
export function MessageText({ text }: { text: string }) {
  return (
    <>
      {segments(text).map((s, i) =>
        s.kind === 'text' ? (
          s.text
        ) : (
          <a key={i} href={s.href} target="_blank" rel="noopener noreferrer nofollow">
            {s.text}
          </a>
        ),
      )}
    </>
  );
}
