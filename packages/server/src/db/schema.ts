import type { Generated } from 'kysely';

/**
 * Table shapes as Kysely sees them. Times are milliseconds since the epoch (bigint in PostgreSQL,
 * integer in SQLite) so that both dialects sort, compare and aggregate them the same way; booleans
 * are 0/1 integers for the same reason; JSON is stored as text.
 */
export interface SitesTable {
  id: string;
  key: string;
  name: string;
  allowed_origins: string;
  settings: string;
  identity_secret: string;
  created_at: number;
}

export interface AgentsTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: 'owner' | 'admin' | 'agent';
  status: 'online' | 'away' | 'offline';
  max_chats: number;
  avatar_url: string | null;
  /** Names the photo's files in storage (`avatar-<key>-<size>`); a new photo gets a new key. */
  avatar_key: string | null;
  active: number;
  must_change_password: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface SiteAgentsTable {
  site_id: string;
  agent_id: string;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  agent_id: string;
  csrf_token: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface AgentStatusLogTable {
  id: Generated<number>;
  agent_id: string;
  status: 'online' | 'away' | 'offline';
  at: number;
}

export interface DepartmentsTable {
  id: string;
  site_id: string | null;
  name: string;
  created_at: number;
}

export interface DepartmentAgentsTable {
  department_id: string;
  agent_id: string;
}

export interface VisitorsTable {
  id: string;
  site_id: string;
  token_hash: string;
  external_id: string | null;
  /** 1 when external_id was proven with the site's HMAC. */
  verified: number;
  /** Chosen in the pre-chat form: where the next conversation is created. */
  department_id: string | null;
  name: string | null;
  email: string | null;
  attributes: string;
  user_agent: string | null;
  last_page_url: string | null;
  last_page_title: string | null;
  first_seen_at: number;
  last_seen_at: number;
  /** A widget connection was seen then (hello, every heartbeat); null once it closed. */
  socket_seen_at: number | null;
  /** Null only for rows written before migration 005 filled it: read as last_seen_at. */
  visit_started_at: number | null;
  /** When the visitor arrived on last_page_url. */
  last_page_at: number | null;
  visits: Generated<number>;
}

export interface PageViewsTable {
  id: Generated<number>;
  visitor_id: string;
  site_id: string;
  url: string;
  title: string | null;
  referrer: string | null;
  at: number;
}

export interface ConversationsTable {
  id: string;
  site_id: string;
  visitor_id: string;
  status: 'open' | 'pending' | 'closed';
  assignee_id: string | null;
  department_id: string | null;
  last_seq: number;
  last_public_seq: number;
  created_at: number;
  updated_at: number;
  first_response_at: number | null;
  closed_at: number | null;
  last_message_at: number | null;
  last_message_preview: string | null;
  rating: 'good' | 'bad' | null;
  rating_comment: string | null;
  rated_at: number | null;
  source: 'chat' | 'offline_form' | 'proactive';
  /** Since when the visitor waits for a public answer; null when the team spoke last. */
  waiting_since: number | null;
  snoozed_until: number | null;
  /** The first public visitor message (a fact of the log, written with that message: migration 007). */
  first_visitor_at: number | null;
  /** The first public message of a human agent at or after first_visitor_at. */
  first_reply_at: number | null;
  /** Public messages of the visitor, agents and bots: not notes, not system lines. */
  public_messages: number;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  author_kind: 'visitor' | 'agent' | 'bot' | 'system';
  author_id: string | null;
  private: number;
  body: string;
  attachments: string;
  client_msg_id: string | null;
  created_at: number;
}

export interface ReadMarksTable {
  conversation_id: string;
  participant_kind: 'visitor' | 'agent' | 'bot';
  participant_id: string;
  read_seq: number;
  updated_at: number;
}

export interface FilesTable {
  id: string;
  site_id: string;
  uploader_kind: 'visitor' | 'agent';
  uploader_id: string;
  message_id: string | null;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  token: string;
  created_at: number;
}

export interface VisitorTokensTable {
  token_hash: string;
  visitor_id: string;
  created_at: number;
}

export interface VisitorEventsTable {
  id: Generated<number>;
  visitor_id: string;
  site_id: string;
  name: string;
  /** JSON object. */
  data: string;
  at: number;
}

export interface MailLogTable {
  id: Generated<number>;
  site_id: string;
  visitor_id: string | null;
  conversation_id: string | null;
  kind: 'transcript';
  recipient: string;
  /** 'pending' while the SMTP server is being talked to: counted by the limits like the others. */
  status: 'pending' | 'sent' | 'failed';
  error: string | null;
  at: number;
}

/** Background jobs run once across the cluster (jobs/runner.ts). */
export interface JobLeasesTable {
  name: string;
  /** The node running it now, or null. */
  holder: string | null;
  /** The holder's lease ends then (a node that died stops renewing it). */
  lease_until: Generated<number>;
  next_run_at: number;
  last_started_at: number | null;
  last_finished_at: number | null;
  last_error: string | null;
  runs: Generated<number>;
}

export interface TagsTable {
  id: string;
  site_id: string | null;
  name: string;
  color: string;
  created_at: number;
}

export interface ConversationTagsTable {
  conversation_id: string;
  tag_id: string;
  added_by: string | null;
  added_at: number;
}

export interface CannedResponsesTable {
  id: string;
  /** Null: shared with the team. */
  owner_id: string | null;
  site_id: string | null;
  shortcut: string;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface InvitationsTable {
  id: string;
  token_hash: string;
  email: string;
  role: 'owner' | 'admin' | 'agent';
  /** JSON array of site ids. */
  site_ids: string;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  agent_id: string | null;
  revoked_at: number | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  actor_kind: 'agent' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  site_id: string | null;
  /** JSON object. */
  details: string;
}

export interface DB {
  sites: SitesTable;
  job_leases: JobLeasesTable;
  agents: AgentsTable;
  site_agents: SiteAgentsTable;
  sessions: SessionsTable;
  agent_status_log: AgentStatusLogTable;
  departments: DepartmentsTable;
  department_agents: DepartmentAgentsTable;
  visitors: VisitorsTable;
  page_views: PageViewsTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  read_marks: ReadMarksTable;
  files: FilesTable;
  visitor_tokens: VisitorTokensTable;
  visitor_events: VisitorEventsTable;
  mail_log: MailLogTable;
  tags: TagsTable;
  conversation_tags: ConversationTagsTable;
  canned_responses: CannedResponsesTable;
  invitations: InvitationsTable;
  audit_log: AuditLogTable;
}
