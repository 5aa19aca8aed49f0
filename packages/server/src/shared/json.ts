/** Parse a JSON column; a corrupt value degrades to the fallback instead of failing a whole request. */
export function parseJsonColumn<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
