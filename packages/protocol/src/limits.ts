/** Limits shared by server and clients, so that a client can refuse early what the server would refuse. */
export const PROTOCOL_VERSION = 1 as const;
/** Largest WebSocket frame the server reads; bigger ones are rejected before parsing. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Largest message body, in characters. */
export const MAX_BODY_CHARS = 10_000;
/** Largest typing preview ("sneak peek"), in characters. */
export const MAX_PREVIEW_CHARS = 2_000;
/** Files attached to one message. */
export const MAX_ATTACHMENTS = 5;
/** Default upload limit per file (the server's PARLEY_MAX_FILE_MB may lower or raise it). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Most conversations one `hello.resume` may name. */
export const MAX_RESUME_ENTRIES = 200;
/** Most messages a single history page returns. */
export const MAX_PAGE = 500;
/** Milliseconds between server pings; a socket silent for twice this long is closed as dead. */
export const HEARTBEAT_MS = 25_000;
/** Time a socket may stay open without sending `hello`. */
export const HELLO_TIMEOUT_MS = 10_000;
