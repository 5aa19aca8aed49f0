import * as z from 'zod';
import { ConversationForVisitor, Id, Message, Rating, Visitor } from './entities';

/**
 * Everything a site configures about its widget, and what the widget reads back. Stored inside the
 * site's `settings` JSON (keys below), edited by admins (`PATCH /api/v1/sites/:id`), and published
 * to widgets, stripped of secrets, as `WidgetConfig` (`GET /api/v1/widget/config?site=KEY`).
 */

const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');
/** "09:00", "17:30", "24:00" (end of day). */
const ClockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time as HH:MM');
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
/** Text an admin writes for visitors; plain text, rendered with textContent. */
const ShortText = z.string().max(200);
const LongText = z.string().max(1000);

export const WIDGET_LANGUAGES = ['en', 'hu', 'ru'] as const;
export const WidgetLanguage = z.enum(WIDGET_LANGUAGES);
export type WidgetLanguage = z.infer<typeof WidgetLanguage>;

export const Appearance = z.object({
  /** Brand colour: launcher, header, the visitor's own bubbles. Text on it is chosen for contrast. */
  color: HexColor.default('#2563eb'),
  theme: z.enum(['light', 'dark', 'auto']).default('auto'),
  position: z.enum(['right', 'left']).default('right'),
  /** Distance from the page's side and bottom edges, in CSS pixels. */
  offsetX: z.number().int().min(0).max(400).default(20),
  offsetY: z.number().int().min(0).max(400).default(20),
  zIndex: z.number().int().min(0).max(2147483647).default(2147483000),
  launcherIcon: z.enum(['chat', 'help', 'message']).default('chat'),
  /** Shown beside the launcher icon; empty = icon only (the accessible name is then "Open chat"). */
  launcherLabel: ShortText.default(''),
  teamName: ShortText.default('Support'),
  /** First thing a visitor reads in the open panel. Empty = the translated default. */
  greeting: LongText.default(''),
  /** Shown instead of the greeting outside business hours or when nobody is online. Empty = default. */
  awayMessage: LongText.default(''),
  /** Show the answering agent's name and avatar (else the team name only). */
  showAgents: z.boolean().default(true),
  /** 'auto' = the browser's language when it is one of WIDGET_LANGUAGES, else English. */
  language: z.union([z.literal('auto'), WidgetLanguage]).default('auto'),
});
export type Appearance = z.infer<typeof Appearance>;

/** One opening interval on a weekday (0 = Sunday … 6 = Saturday), in the site's time zone. */
export const OpeningInterval = z
  .object({ day: z.number().int().min(0).max(6), open: ClockTime, close: ClockTime })
  .refine((i) => i.open < i.close, { message: 'open must be before close' });

export const BusinessHours = z.object({
  /** Off = always open (only agent presence decides). */
  enabled: z.boolean().default(false),
  /** IANA time zone, e.g. "Europe/Budapest". Validated against the runtime's time-zone database. */
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, { message: 'an IANA time zone such as Europe/Budapest' })
    .default('UTC'),
  weekly: z.array(OpeningInterval).max(50).default([]),
  /** Whole days closed, in the site's time zone. */
  holidays: z
    .array(z.object({ date: IsoDate, name: ShortText.default('') }))
    .max(366)
    .default([]),
});
export type BusinessHours = z.infer<typeof BusinessHours>;

/** What the widget does when the team cannot answer now. */
export const UnavailableBehaviour = z.enum(['hide', 'offline_form']);

/**
 * URL patterns: `*` matches any run of characters, everything else is literal. A pattern starting
 * with `/` is matched against the path + query (`/pricing*`); any other pattern against the whole
 * URL (`https://shop.example/checkout/*`). Matching ignores the fragment and is case-sensitive.
 */
export const UrlPattern = z.string().min(1).max(500);

export const Targeting = z.object({
  /** Empty = every page. */
  include: z.array(UrlPattern).max(100).default([]),
  /** Wins over include. */
  exclude: z.array(UrlPattern).max(100).default([]),
});
export type Targeting = z.infer<typeof Targeting>;

const TriggerBase = {
  id: z.string().min(1).max(64),
  enabled: z.boolean().default(true),
  /** The invitation the visitor sees (from the team, or the agent shown in the widget). */
  message: LongText.min(1),
  /** 'visit' = at most once per visit (the default); 'always' = each time the condition is met again. */
  repeat: z.enum(['visit', 'always']).default('visit'),
};
export const Trigger = z.discriminatedUnion('kind', [
  z.object({ ...TriggerBase, kind: z.literal('time_on_page'), seconds: z.number().int().min(1).max(3600) }),
  z.object({ ...TriggerBase, kind: z.literal('page_count'), pages: z.number().int().min(1).max(1000) }),
  z.object({ ...TriggerBase, kind: z.literal('url_match'), pattern: UrlPattern }),
  z.object({ ...TriggerBase, kind: z.literal('exit_intent') }),
  z.object({ ...TriggerBase, kind: z.literal('custom_event'), event: z.string().min(1).max(100) }),
]);
export type Trigger = z.infer<typeof Trigger>;

/** Field keys `name`, `email` and `department` fill the visitor / conversation; others become attributes. */
export const FormField = z.object({
  key: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'letters, digits and _'),
  label: ShortText.min(1),
  type: z.enum(['text', 'email', 'textarea', 'select', 'department']),
  required: z.boolean().default(false),
  /** For `select`. */
  options: z.array(ShortText.min(1)).max(50).default([]),
});
export type FormField = z.infer<typeof FormField>;

export const ChatForm = z.object({
  enabled: z.boolean().default(false),
  fields: z.array(FormField).max(20).default([]),
});

/** The widget part of a site's `settings`. Every key has a default, so `{}` is a valid configuration. */
export const WidgetSettings = z.object({
  appearance: Appearance.default(Appearance.parse({})),
  hours: BusinessHours.default(BusinessHours.parse({})),
  /** Outside business hours. */
  outsideHours: UnavailableBehaviour.default('offline_form'),
  /** During business hours when no agent of the site is online (connected with status online). */
  noAgents: UnavailableBehaviour.default('offline_form'),
  targeting: Targeting.default(Targeting.parse({})),
  triggers: z.array(Trigger).max(50).default([]),
  prechatForm: ChatForm.default(ChatForm.parse({})),
  offlineForm: ChatForm.default(
    ChatForm.parse({
      enabled: true,
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: false },
        { key: 'email', label: 'E-mail', type: 'email', required: true },
      ],
    }),
  ),
});
export type WidgetSettings = z.infer<typeof WidgetSettings>;

/**
 * A site's whole `settings` object (`Site.settings`). Unknown keys are kept as they are, so later
 * features add keys without a migration.
 */
export const SiteSettings = z.looseObject({
  ...WidgetSettings.shape,
  /** Agents may see what a visitor is typing before it is sent. Off by default (privacy). */
  sneakPeek: z.boolean().default(false),
  /** identify() without a valid HMAC is refused. */
  requireIdentityVerification: z.boolean().default(false),
  /** Seconds an incoming chat may wait for an agent reply before it counts as missed. */
  missedAfterSeconds: z.number().int().positive().max(86400).default(120),
  /**
   * Closed conversations older than this many days (since closing) are deleted, with their
   * messages and files, by the `retention.purge` job. Null: kept for ever.
   */
  retentionDays: z.number().int().min(1).max(36500).nullable().default(null),
});
export type SiteSettings = z.infer<typeof SiteSettings>;

/**
 * What a widget loads: `GET /api/v1/widget/config?site=KEY` (public, CORS for the site's allowed
 * origins, `ETag` + `Cache-Control: public, max-age=30`; a matching `If-None-Match` gets 304).
 * Never contains secrets.
 */
export const WidgetConfig = z.object({
  siteKey: z.string(),
  siteName: z.string(),
  appearance: Appearance,
  /** The weekly hours and holidays, so the loader can tell open/closed at any moment without asking. */
  hours: BusinessHours,
  outsideHours: UnavailableBehaviour,
  noAgents: UnavailableBehaviour,
  /** At the time of the response: is any agent of the site connected with status online. */
  agentsOnline: z.boolean(),
  targeting: Targeting,
  /** Only enabled triggers. */
  triggers: z.array(Trigger),
  prechatForm: ChatForm,
  offlineForm: ChatForm,
  /** Departments a visitor may choose (for `department` fields). */
  departments: z.array(z.object({ id: Id, name: z.string() })),
  /** Agents the widget may show ("our team"), when appearance.showAgents. At most 5. */
  agents: z.array(z.object({ name: z.string(), avatarUrl: z.string().nullable() })),
  /** Sneak peek is on: the widget says so in its privacy notice. */
  sneakPeek: z.boolean(),
  /** identify() must carry a valid hash, or it is refused. */
  requireIdentityVerification: z.boolean(),
  /** The server can send e-mail (SMTP configured): offer "e-mail me this transcript". */
  transcripts: z.boolean(),
});
export type WidgetConfig = z.infer<typeof WidgetConfig>;
export const WidgetConfigQuery = z.object({ site: z.string().min(1).max(64) });

/** `GET /api/v1/sites/:id/identity-secret` and `POST …/identity-secret/rotate` (admins). */
export const IdentitySecretResponse = z.object({
  /** The HMAC key of identity verification. Keep it on the site's backend; never ship it to browsers. */
  secret: z.string(),
});

/* ───────────── visitor REST bodies used by the widget (all with `Authorization: Bearer <visitor token>`) ───────────── */

/** `POST /api/v1/visitor/identify`. hash = hex HMAC-SHA256(site identity secret, id). */
export const IdentifyRequest = z.object({
  id: z.string().min(1).max(200),
  name: z.string().trim().max(200).optional(),
  email: z.email().max(320).optional(),
  hash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional(),
});
/**
 * `verified`: the hash matched. When a verified id already belongs to another visitor of the site,
 * the response carries that visitor and a new `token` for it: the widget switches to it (same person,
 * another browser). Otherwise `token` is null and the current token stays valid.
 */
export const IdentifyResponse = z.object({
  visitor: z.object({ id: Id, name: z.string().nullable(), email: z.string().nullable() }),
  verified: z.boolean(),
  token: z.string().nullable(),
});

/** `POST /api/v1/visitor/attributes`: merged into the visitor's attributes; null deletes a key. */
export const AttributesRequest = z.object({
  attributes: z
    .record(
      z
        .string()
        .min(1)
        .max(64)
        .regex(/^[a-zA-Z][a-zA-Z0-9_.-]*$/),
      z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]),
    )
    .refine((r) => Object.keys(r).length <= 50, { message: 'at most 50 attributes per call' }),
});

/** `POST /api/v1/visitor/pageviews`: a page (or a single-page-app route) the visitor is on now. */
export const PageViewRequest = z.object({
  url: z.string().min(1).max(2000),
  title: z.string().max(500).optional(),
  referrer: z.string().max(2000).optional(),
});

/** `POST /api/v1/visitor/events`: `Parley.track(name, data)`, and triggers that fired. */
export const TrackEventRequest = z.object({
  name: z.string().min(1).max(100),
  data: z
    .record(z.string().max(64), z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]))
    .refine((r) => Object.keys(r).length <= 20, { message: 'at most 20 data keys' })
    .optional(),
});

/** Form values by field key (pre-chat and offline forms). */
const FormValues = z
  .record(z.string().max(64), z.string().max(5000))
  .refine((r) => Object.keys(r).length <= 30, { message: 'at most 30 fields' });

/**
 * `POST /api/v1/visitor/offline-messages`: the offline form. Creates a conversation the team finds
 * in its inbox (source `offline_form`), with the message as its first entry. Idempotent by clientMsgId.
 * When the visitor already has an open conversation, the message is added to it instead.
 */
export const OfflineMessageRequest = z.object({
  clientMsgId: z.uuid(),
  /** Form values by field key (`name`, `email`, `department`, others become attributes). */
  fields: FormValues,
  /** The text. */
  message: z.string().trim().min(1).max(5000),
});
/**
 * `created`: a new conversation was opened for it (when the visitor already has an open one, the
 * message goes there). `duplicate`: this clientMsgId had been stored before; nothing new was written.
 */
export const OfflineMessageResponse = z.object({
  conversation: ConversationForVisitor,
  message: Message,
  created: z.boolean(),
  duplicate: z.boolean(),
});

/** `POST /api/v1/visitor/prechat`: the pre-chat form's values, before the first message. */
export const PrechatRequest = z.object({ fields: FormValues });
/** The visitor as stored now, and the department its next conversation will be created in. */
export const PrechatResponse = z.object({ visitor: Visitor, departmentId: Id.nullable() });

/** `POST /api/v1/visitor/attributes`, `POST /api/v1/visitor/pageviews`: the visitor as stored now. */
export const VisitorResponse = z.object({ visitor: Visitor });

/**
 * `GET /api/v1/visitor/poll`: what a loader without its chat UI (and so without a socket) asks
 * while the page is visible. The visitor's conversation that is not closed, and how many of the
 * team's public messages in it the visitor has not read (e.g. a proactive message). Also a sign of
 * the visitor: the live-visitors list keeps it.
 */
export const VisitorPollResponse = z.object({
  conversationId: Id.nullable(),
  unread: z.number().int().min(0),
  /** As the widget configuration's `agentsOnline`, now: the loader re-decides what it offers. */
  agentsOnline: z.boolean(),
});
export type VisitorPollResponse = z.infer<typeof VisitorPollResponse>;

/** `POST /api/v1/visitor/conversations/:id/rating`: once closed (or while open); may be changed. */
export const RatingRequest = z.object({
  rating: Rating,
  /** Replaces the previous comment; omitted = no comment. */
  comment: z.string().trim().max(2000).optional(),
});
export const RatingResponse = z.object({ conversation: ConversationForVisitor });

/** `POST /api/v1/visitor/conversations/:id/transcript`: e-mail the conversation (visitor-visible part). */
export const TranscriptRequest = z.object({ email: z.email().max(320) });
/** The e-mail was handed to the SMTP server; `messages` = entries it contains. */
export const TranscriptResponse = z.object({ ok: z.literal(true), messages: z.number().int().nonnegative() });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
